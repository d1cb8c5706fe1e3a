/** Test fixtures: small specs that exercise every layer rule, and seeded batches. */
import { parseModelSpec, Xoshiro128, type Batch, type ModelSpec, type ModelSpecInput } from '@syncline/core';

export function mlpSpec(optimizer: ModelSpecInput['optimizer']): ModelSpec {
  return parseModelSpec(
    {
      inputShape: [12],
      layers: [
        { type: 'dense', units: 8, activation: 'relu' },
        { type: 'dense', units: 5, activation: 'softmax' },
      ],
      optimizer,
    },
    'test mlp',
  );
}

/** conv 'same' + relu, max pool, strided 'valid' conv, 'same' average pool, flatten, dense softmax. */
export function cnnSpec(optimizer: ModelSpecInput['optimizer']): ModelSpec {
  return parseModelSpec(
    {
      inputShape: [7, 7, 2],
      layers: [
        { type: 'conv2d', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' },
        { type: 'maxPool2d', poolSize: 2, padding: 'same' },
        { type: 'conv2d', filters: 4, kernelSize: [2, 3], strides: [1, 2], activation: 'relu' },
        { type: 'averagePool2d', poolSize: 2, strides: 1, padding: 'same' },
        { type: 'flatten' },
        { type: 'dense', units: 5, activation: 'softmax' },
      ],
      optimizer,
    },
    'test cnn',
  );
}

/** `count` batches of `size` examples with uniform features in [-1, 1) and labels in [0, classes). */
export function randomBatches(spec: ModelSpec, count: number, size: number, seed: number, classes = 5): Batch[] {
  const prng = new Xoshiro128(seed);
  const exampleSize = spec.inputShape.reduce((a, b) => a * b, 1);
  return Array.from({ length: count }, () => ({
    x: Float32Array.from({ length: size * exampleSize }, () => 2 * prng.nextFloat() - 1),
    y: Int32Array.from({ length: size }, () => prng.nextBelow(classes)),
    size,
    exampleShape: spec.inputShape,
  }));
}

/** Concatenates batches into one global batch. */
export function concatBatches(batches: readonly Batch[]): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(batches.reduce((a, b) => a + b.x.length, 0));
  const y = new Int32Array(batches.reduce((a, b) => a + b.y.length, 0));
  let xo = 0;
  let yo = 0;
  for (const b of batches) {
    x.set(b.x, xo);
    y.set(b.y, yo);
    xo += b.x.length;
    yo += b.y.length;
  }
  return { x, y };
}

/** max |a - b| / max |b|. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / (scale || 1);
}
