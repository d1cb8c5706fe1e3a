/**
 * Training controls an optimizer spec may carry beside its own settings, as Keras and
 * PyTorch offer them:
 * - `schedule`: the learning rate as a function of the update count t (0 for the first
 *   update, Keras' `optimizer.iterations`); the count is the optimizer state's `step`, so the
 *   schedule's position travels in every checkpoint:
 *   - warmupCosine: lr * t / warmupSteps while t < warmupSteps, then
 *     lr * (alpha + (1 - alpha) * (1 + cos(pi * min(t - warmupSteps, decaySteps) / decaySteps)) / 2);
 *   - exponential: lr * decayRate ^ (t / decaySteps) (floored exponent when staircase);
 *   - step: lr * gamma ^ floor(t / stepSize) (PyTorch's StepLR);
 * - `globalClipNorm`: the all-reduced mean gradient g is scaled by
 *   min(1, globalClipNorm / ||g||_2) before the update (Keras' global_clipnorm), one norm over
 *   every trainable weight, identical on every replica.
 */
import { z } from 'zod';

const positiveInt = z.number().int().positive();

export const lrScheduleSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('warmupCosine'),
    warmupSteps: z.number().int().min(0).default(0),
    decaySteps: positiveInt,
    /** Final learning rate as a fraction of the initial one. */
    alpha: z.number().min(0).max(1).default(0),
  }),
  z.strictObject({
    type: z.literal('exponential'),
    decaySteps: positiveInt,
    decayRate: z.number().positive(),
    staircase: z.boolean().default(false),
  }),
  z.strictObject({ type: z.literal('step'), stepSize: positiveInt, gamma: z.number().positive() }),
]);

/** Fields every optimizer spec accepts. */
export const optimizerControlFields = {
  schedule: lrScheduleSchema.optional(),
  globalClipNorm: z.number().positive().optional(),
};

export type LrScheduleSpec = z.infer<typeof lrScheduleSchema>;
