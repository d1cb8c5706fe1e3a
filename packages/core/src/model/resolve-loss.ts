/**
 * A spec's loss resolved against its output (see loss-spec.ts for the rules), and the
 * target each loss reads from a batch's integer labels (Batch.y): a class index for the
 * categorical losses (one-hot for categoricalCrossentropy), the label as a number for
 * binaryCrossentropy (0 or 1), meanSquaredError and meanAbsoluteError, whose output must
 * then be one unit wide.
 */
import { InvalidConfigError } from '../errors/invalid-config-error';
import { resolveLossAgainst, type ResolvedLoss } from '../spec/loss-spec';
import type { ModelSpec } from '../spec/model-spec';
import { inferShapes } from './shapes';

export type { ResolvedLoss } from '../spec/loss-spec';

/** The activation the spec's last layer applies ('linear' when it has none). */
export function finalActivation(spec: ModelSpec): string {
  const last = spec.layers[spec.layers.length - 1]!;
  return 'activation' in last ? last.activation : 'linear';
}

/**
 * @throws InvalidConfigError naming `loss` when it conflicts with the output (fromLogits after
 *   a softmax, or a one-unit loss on a wider output).
 */
export function resolveLoss(spec: ModelSpec): ResolvedLoss {
  const resolved = resolveLossAgainst(spec.loss, finalActivation(spec));
  if (typeof resolved === 'string') throw new InvalidConfigError('loss', spec.loss, `a loss that fits the model: ${resolved}`);
  const shapes = inferShapes(spec);
  const width = shapes[shapes.length - 1]!.outputShape[0]!;
  if (resolved.name !== 'sparseCategoricalCrossentropy' && resolved.name !== 'categoricalCrossentropy' && width !== 1) {
    throw new InvalidConfigError(
      'loss',
      spec.loss,
      `a loss for a ${width}-unit output: ${resolved.name} reads each example's label as one number, so the last layer needs 1 unit`,
    );
  }
  return resolved;
}

/** Integer labels a loss accepts: [min, max) (class indices, 0/1, or any int32 for regression). */
export function labelBounds(loss: ResolvedLoss, outputWidth: number): { readonly min: number; readonly max: number } {
  if (loss.name === 'binaryCrossentropy') return { min: 0, max: 2 };
  if (loss.name === 'meanSquaredError' || loss.name === 'meanAbsoluteError') return { min: -(2 ** 31), max: 2 ** 31 };
  return { min: 0, max: outputWidth };
}
