/**
 * The optimizer formulas every backend must apply (tfjs's: tf.train.adam, sgd,
 * momentum, rmsprop), in float64, for the backend conformance suite. Slot names are
 * the ones OptimizerState carries, so checkpoints move between backends.
 *
 * With g the reduced gradient and t the 1-based step:
 * - sgd:      w -= lr * g                                            (no slots)
 * - momentum: a = mu * a + g;  w -= lr * a  (nesterov: w -= lr * (g + mu * a))   slot "momentum"
 * - adam:     m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
 *             w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)      slots "m", "v"
 * - rmsprop:  r = rho r + (1 - rho) g^2;  mom = mu mom + lr g / sqrt(r + eps);  w -= mom
 *                                                                      slots "rms", "momentum"
 * - adamw:    w -= lr * weightDecay * w, then adam's step                 slots "m", "v"
 * A spec's `schedule` and `globalClipNorm` are not applied here (see training-controls.test.ts).
 */
import type { OptimizerSpec } from '../spec/model-spec';

/** Slot names per optimizer, as exported in OptimizerState.slots. */
export const OPTIMIZER_SLOT_NAMES: Readonly<Record<OptimizerSpec['name'], readonly string[]>> = {
  sgd: [],
  momentum: ['momentum'],
  adam: ['m', 'v'],
  rmsprop: ['rms', 'momentum'],
  adamw: ['m', 'v'],
};

/** Applies `gradients` (one array per step) to `weights` with `spec`, in float64; returns the weights. */
export function referenceOptimizerRun(spec: OptimizerSpec, weights: ArrayLike<number>, gradients: readonly ArrayLike<number>[]): Float64Array {
  const w = Float64Array.from(weights);
  const a = new Float64Array(w.length);
  const b = new Float64Array(w.length);
  gradients.forEach((g, step) => {
    const t = step + 1;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i]!;
      switch (spec.name) {
        case 'sgd':
          w[i] = w[i]! - spec.learningRate * gi;
          break;
        case 'momentum':
          a[i] = spec.momentum * a[i]! + gi;
          w[i] = w[i]! - spec.learningRate * (spec.nesterov ? gi + spec.momentum * a[i]! : a[i]!);
          break;
        case 'adam':
        case 'adamw': {
          if (spec.name === 'adamw') w[i] = w[i]! - spec.learningRate * spec.weightDecay * w[i]!;
          a[i] = spec.beta1 * a[i]! + (1 - spec.beta1) * gi;
          b[i] = spec.beta2 * b[i]! + (1 - spec.beta2) * gi * gi;
          const mHat = a[i]! / (1 - Math.pow(spec.beta1, t));
          const vHat = b[i]! / (1 - Math.pow(spec.beta2, t));
          w[i] = w[i]! - (spec.learningRate * mHat) / (Math.sqrt(vHat) + spec.epsilon);
          break;
        }
        case 'rmsprop':
          a[i] = spec.rho * a[i]! + (1 - spec.rho) * gi * gi;
          b[i] = spec.momentum * b[i]! + (spec.learningRate * gi) / Math.sqrt(a[i]! + spec.epsilon);
          w[i] = w[i]! - b[i]!;
          break;
      }
    }
  });
  return w;
}
