/**
 * Seeded dropout masks, one stream per (seed, replica, layer), independent of tfjs's
 * global RNG. Each training forward pass draws the next `size` values of the stream:
 * element i is kept (value 1 / (1 - rate), inverted dropout as Keras does) when
 * `nextFloat24() >= rate` (core's Xoshiro128), else 0.
 */
import { mixSeed, Xoshiro128 } from '@syncline/core';

/** Stream key separating dropout from initialisation. */
export const DROPOUT_STREAM = 0xd4;

export class DropoutMaskStream {
  readonly #prng: Xoshiro128;
  readonly #scale: number;

  constructor(
    readonly rate: number,
    seed: number,
    replicaId: number,
    layerIndex: number,
  ) {
    this.#prng = new Xoshiro128(mixSeed(seed, DROPOUT_STREAM, replicaId, layerIndex));
    this.#scale = 1 / (1 - rate);
  }

  /** The next mask of `size` elements. */
  next(size: number): Float32Array {
    const mask = new Float32Array(size);
    for (let i = 0; i < size; i++) mask[i] = this.#prng.nextFloat24() >= this.rate ? this.#scale : 0;
    return mask;
  }
}
