/**
 * The losses a model spec may name, and how a backend reads one: whether it fuses the
 * model's final activation into the loss (softmax / sigmoid computed from logits, the
 * stable form), or takes the output as logits or as probabilities.
 *
 * Every loss is the SUM over the examples of a batch (the strategy divides by the global
 * batch, as Keras averages the loss over the global batch); per example:
 * - sparseCategoricalCrossentropy: -log p[y] (y a class index);
 * - categoricalCrossentropy: -sum_k t_k log p_k (t the one-hot target);
 * - binaryCrossentropy: -sum_k (t_k log p_k + (1 - t_k) log(1 - p_k));
 * - meanSquaredError / meanAbsoluteError: mean over the output units of (o - t)^2 / |o - t|.
 * Probabilities are clipped to [1e-7, 1 - 1e-7] before the log, as Keras does.
 */
import { z } from 'zod';

export const lossNameSchema = z.enum([
  'sparseCategoricalCrossentropy',
  'categoricalCrossentropy',
  'binaryCrossentropy',
  'meanSquaredError',
  'meanAbsoluteError',
]);

export const lossSpecSchema = z.union([
  lossNameSchema,
  z.strictObject({
    name: lossNameSchema,
    /** Cross-entropies only: true reads the output as logits, false as probabilities. */
    fromLogits: z.boolean().optional(),
  }),
]);

export type LossName = z.infer<typeof lossNameSchema>;
export type LossSpec = z.infer<typeof lossSpecSchema>;

/** Keras's epsilon: probabilities are clipped to [PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON]. */
export const PROBABILITY_EPSILON = 1e-7;

/** How a backend computes a spec's loss (see resolveLoss). */
export interface ResolvedLoss {
  readonly name: LossName;
  /**
   * 'fused': the model's final softmax (categorical) or sigmoid (binary) is left out of the
   * forward pass and the loss is computed from the logits before it;
   * 'logits' / 'probabilities': the output (every activation applied) is read so;
   * 'values': a regression loss on the raw output.
   */
  readonly output: 'fused' | 'logits' | 'probabilities' | 'values';
  /** Which activation turns logits into probabilities (predict): softmax, sigmoid or none. */
  readonly link: 'softmax' | 'sigmoid' | 'none';
}

const CATEGORICAL = new Set<LossName>(['sparseCategoricalCrossentropy', 'categoricalCrossentropy']);

/**
 * Resolves a loss against the model's final activation. Rules: a categorical loss after a
 * final softmax, or binary cross-entropy after a final sigmoid, is fused; otherwise a
 * cross-entropy reads the output as logits unless `fromLogits: false` says probabilities.
 *
 * @returns the resolved loss, or a string explaining the conflict (the caller raises it).
 */
export function resolveLossAgainst(loss: LossSpec, finalActivation: string): ResolvedLoss | string {
  const name = typeof loss === 'string' ? loss : loss.name;
  const fromLogits = typeof loss === 'string' ? undefined : loss.fromLogits;
  if (name === 'meanSquaredError' || name === 'meanAbsoluteError') {
    if (fromLogits !== undefined) return `fromLogits applies to cross-entropies only, not ${name}`;
    return { name, output: 'values', link: 'none' };
  }
  const categorical = CATEGORICAL.has(name);
  const link = categorical ? 'softmax' : 'sigmoid';
  if (finalActivation === link) {
    if (fromLogits === true) return `the last layer applies ${link}, so its output is not logits; drop fromLogits or the ${link}`;
    return { name, output: 'fused', link };
  }
  return { name, output: fromLogits === false ? 'probabilities' : 'logits', link: fromLogits === false ? 'none' : link };
}
