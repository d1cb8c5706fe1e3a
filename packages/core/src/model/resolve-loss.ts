/**
 * A spec's loss resolved against its output (see loss-spec.ts for the rules), and the
 * target each loss reads from a batch's labels (Batch.y): an int32 class index for the
 * categorical losses (one-hot for categoricalCrossentropy); a float32 value for
 * binaryCrossentropy (0/1 or a soft label in [0, 1]), meanSquaredError and
 * meanAbsoluteError, whose output must then be one unit wide (`labelKindOf`).
 */
import type { LabelKind } from '../contracts/batch';
import { InvalidConfigError } from '../errors/invalid-config-error';
import { resolveLossAgainst, type LossName, type LossSpec, type ResolvedLoss } from '../spec/loss-spec';
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

/** Labels a loss accepts: their kind and range, [min, max) or [min, max] when `maxInclusive`. */
export interface LabelBounds {
  readonly kind: LabelKind;
  readonly min: number;
  readonly max: number;
  readonly maxInclusive?: boolean;
}

/** Largest finite float32: regression targets must be finite float32 values. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * How a loss's labels are stored: 'int32' class ids for the categorical losses, 'float32'
 * values for binaryCrossentropy (soft labels), meanSquaredError and meanAbsoluteError.
 * Takes a loss name, a resolved loss, a loss spec or a model spec.
 */
export function labelKindOf(loss: LossName | LossSpec | ResolvedLoss | Pick<ModelSpec, 'loss'>): LabelKind {
  const spec: LossSpec | ResolvedLoss | undefined = typeof loss === 'object' && 'loss' in loss ? loss.loss : loss;
  if (spec === undefined) return 'int32'; // an unparsed spec without a loss: sparse categorical cross-entropy
  const name = typeof spec === 'string' ? spec : spec.name;
  return name === 'sparseCategoricalCrossentropy' || name === 'categoricalCrossentropy' ? 'int32' : 'float32';
}

/** Labels a loss accepts: class ids in [0, width), binary targets in [0, 1], or any finite float32 for regression. */
export function labelBounds(loss: ResolvedLoss, outputWidth: number): LabelBounds {
  if (loss.name === 'binaryCrossentropy') return { kind: 'float32', min: 0, max: 1, maxInclusive: true };
  if (loss.name === 'meanSquaredError' || loss.name === 'meanAbsoluteError')
    return { kind: 'float32', min: -FLOAT32_MAX, max: FLOAT32_MAX, maxInclusive: true };
  return { kind: 'int32', min: 0, max: outputWidth };
}

/** True when `label` fits `b` (an integer for 'int32'; NaN never fits). */
export function labelInBounds(label: number, b: LabelBounds): boolean {
  if (!(label >= b.min && (b.maxInclusive ? label <= b.max : label < b.max))) return false;
  return b.kind === 'float32' || Number.isInteger(label);
}

/** What `b` asks for, for messages: "an integer class in [0, 10)", "a number in [0, 1]", "a finite number". */
export function describeLabelBounds(b: LabelBounds): string {
  if (b.kind === 'int32') return `an integer class in [${b.min}, ${b.max}${b.maxInclusive ? ']' : ')'}`;
  if (b.min === -FLOAT32_MAX) return 'a finite number';
  return `a number in [${b.min}, ${b.max}${b.maxInclusive ? ']' : ')'}`;
}
