/**
 * Seeded dropout masks, one stream per (seed, replica, layer), independent of tfjs's
 * global RNG. Each training forward pass draws the next `size` values of the stream:
 * element i is kept (value 1 / (1 - rate), inverted dropout as Keras does) when
 * `nextFloat() >= rate`, else 0.
 */
import { Prng, mixSeed } from '../init/prng';

/** Stream key separating dropout from initialisation. */
export const DROPOUT_STREAM = 0xd4;

export class DropoutMaskStream {
  readonly #prng: Prng;
  readonly #scale: number;

  constructor(
    readonly rate: number,
    seed: number,
    replicaId: number,
    layerIndex: number,
  ) {
    this.#prng = new Prng(mixSeed(seed, DROPOUT_STREAM, replicaId, layerIndex));
    this.#scale = 1 / (1 - rate);
  }

  /** The next mask of `size` elements. */
  next(size: number): Float32Array {
    const mask = new Float32Array(size);
    for (let i = 0; i < size; i++) mask[i] = this.#prng.nextFloat() >= this.rate ? this.#scale : 0;
    return mask;
  }
}
