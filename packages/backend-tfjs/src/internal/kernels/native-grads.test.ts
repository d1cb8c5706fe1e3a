/**
 * Our tensorflow-backend gradients (TF's ReluGrad; MaxPoolWithArgmax + MaxPoolGradWithArgmax)
 * against tfjs's cpu backend: relative difference <= 1e-5, max-pool ties going to the first
 * maximum of each window (Keras's rule), overlapping windows and 'same' padding included;
 * and cpu's own Relu gradient still in use while cpu is active.
 * Needs tfjs-node built (tools/scripts/install.sh); without it the suite is skipped with a
 * printed reason, except under CI, where install.sh builds it and its absence fails.
 */
import * as tf from '@tensorflow/tfjs';
import { Xoshiro128 } from '@syncline/core';
import { silentLogger } from '../runtime/logger';
import { nodeRequire } from '../runtime/node-require';
import { nativeAddonBuilt, selectTfjsBackend } from '../runtime/select-backend';
import { hasNativeGradients, registerNativeGradients } from './native-grads';

const BUILT = nativeAddonBuilt('@tensorflow/tfjs-node', nodeRequire) && canResolve('@tensorflow/tfjs-node');
function canResolve(pkg: string): boolean {
  try {
    nodeRequire.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}
if (!BUILT) {
  const why = 'native-grads.test: @tensorflow/tfjs-node is not installed or not built (bash tools/scripts/install.sh builds it)';
  if (process.env.CI) throw new Error(why);
  process.stderr.write(`${why}; skipping\n`);
}
const describeNative = BUILT ? describe : describe.skip;

interface PoolCase {
  x: [number, number, number, number];
  pool: [number, number];
  strides: [number, number];
  pad: 'same' | 'valid';
  /** Quantise inputs to this many levels to force ties (0: continuous). */
  levels: number;
}
const POOLS: PoolCase[] = [
  { x: [2, 8, 8, 3], pool: [2, 2], strides: [2, 2], pad: 'valid', levels: 0 },
  { x: [2, 7, 7, 3], pool: [2, 2], strides: [2, 2], pad: 'same', levels: 0 },
  { x: [2, 9, 6, 2], pool: [3, 3], strides: [2, 1], pad: 'same', levels: 0 },
  { x: [2, 8, 8, 4], pool: [3, 3], strides: [1, 1], pad: 'valid', levels: 3 },
  { x: [3, 6, 6, 5], pool: [2, 2], strides: [2, 2], pad: 'valid', levels: 2 },
  { x: [4, 26, 26, 8], pool: [2, 2], strides: [2, 2], pad: 'valid', levels: 0 },
];

function values(n: number, seed: number, levels: number): Float32Array {
  const p = new Xoshiro128(seed);
  return Float32Array.from({ length: n }, () => {
    const v = p.nextFloat24();
    return levels > 0 ? Math.floor(v * levels) - 1 : v * 2 - 1;
  });
}

/** d/dx sum(relu(x) * w) and d/dx sum(maxPool(x) * w) for every case, on the active backend. */
function gradients(xs: Float32Array[], ws: Float32Array[]): Float32Array[] {
  const out: Float32Array[] = [];
  const reluShape = [16, 33];
  out.push(
    tf.tidy(
      () =>
        tf
          .grad((x: tf.Tensor) => tf.sum(tf.mul(tf.relu(x), tf.tensor(ws[0]!, reluShape))))(tf.tensor(xs[0]!, reluShape))
          .dataSync() as Float32Array,
    ),
  );
  POOLS.forEach((c, i) => {
    out.push(
      tf.tidy(() => {
        const w = (y: tf.Tensor): tf.Tensor => tf.tensor(ws[i + 1]!.subarray(0, y.size), y.shape);
        return tf
          .grad((x: tf.Tensor) => {
            const y = tf.maxPool(x as tf.Tensor4D, c.pool, c.strides, c.pad);
            return tf.sum(tf.mul(y, w(y)));
          })(tf.tensor(xs[i + 1]!, c.x))
          .dataSync() as Float32Array;
      }),
    );
  });
  return out;
}

describeNative('native gradients on the tensorflow backend', () => {
  it('match the cpu backend (<= 1e-5 relative), max-pool ties to the first maximum', async () => {
    const xs = [
      values(16 * 33, 1, 0),
      ...POOLS.map((c, i) =>
        values(
          c.x.reduce((a, b) => a * b, 1),
          10 + i,
          c.levels,
        ),
      ),
    ];
    const ws = [
      values(16 * 33, 2, 0),
      ...POOLS.map((c, i) =>
        values(
          c.x.reduce((a, b) => a * b, 1),
          50 + i,
          0,
        ),
      ),
    ];
    await selectTfjsBackend({ candidates: ['cpu'], logger: silentLogger });
    const reference = gradients(xs, ws);
    const stepsBefore = tf.getGradient('Relu')!.gradFunc;
    await selectTfjsBackend({ candidates: ['node'], logger: silentLogger });
    expect(tf.getBackend()).toBe('tensorflow');
    expect(hasNativeGradients()).toBe(true);
    expect(registerNativeGradients()).toBe(false);
    expect(tf.getGradient('Relu')!.gradFunc).not.toBe(stepsBefore);
    const before = tf.memory().numTensors;
    const got = gradients(xs, ws);
    expect(tf.memory().numTensors).toBe(before);
    got.forEach((g, i) => {
      let diff = 0;
      let scale = 0;
      for (let k = 0; k < g.length; k++) {
        diff = Math.max(diff, Math.abs(g[k]! - reference[i]![k]!));
        scale = Math.max(scale, Math.abs(reference[i]![k]!));
      }
      if (!(diff <= 1e-5 * scale)) throw new Error(`case ${i}: max abs diff ${diff}, scale ${scale}`);
    });
    // cpu again: tfjs-core's own Relu gradient is used there (the same values).
    await tf.setBackend('cpu');
    const again = gradients(xs, ws);
    expect(Buffer.from(again[0]!.buffer).equals(Buffer.from(reference[0]!.buffer))).toBe(true);
  });
});
