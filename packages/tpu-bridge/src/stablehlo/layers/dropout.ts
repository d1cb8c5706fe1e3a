/**
 * Inverted dropout: in training each unit is kept with probability 1 - rate and scaled by
 * 1 / (1 - rate), else zeroed; identity when not training or rate is 0. The VJP
 * multiplies by the same mask.
 *
 * The mask is a counter-based hash, so it needs no RNG state and is the same for the same
 * key: for the element's flat index i (row-major over [B, ...]),
 *   seed = fmix32(key ^ (salt · 0x85EBCA6B)),  h = fmix32(i · 0x9E3779B1 + seed),
 * with murmur3's fmix32 finaliser (x ^= x >>> 16; x *= 0x85EBCA6B; x ^= x >>> 13;
 * x *= 0xC2B2AE35; x ^= x >>> 16) on i32 (multiplies wrap, shifts are logical), key =
 * ctx.rngKey (new every step and replica), salt = the layer index (a different mask per
 * dropout layer). A unit is kept when (h >>> 8) < round((1 - rate) · 2^24), i.e. with
 * probability 1 - rate to within 2^-24.
 */
import { BackendError, type LayerSpec } from '@syncline/core';
import type { Builder } from '../builder';
import { numel, type Value } from '../tensor-type';
import type { LayerRule } from './layer-rule';

type DropoutLayerSpec = Extract<LayerSpec, { type: 'dropout' }>;

export const DROPOUT_GOLDEN = 0x9e3779b1;
export const DROPOUT_SALT_MUL = 0x85ebca6b;
const FMIX_MUL1 = 0x85ebca6b;
const FMIX_MUL2 = 0xc2b2ae35;
/** Bits of the hash compared against the keep threshold. */
export const DROPOUT_BITS = 24;

/** murmur3's 32-bit finaliser on an i32 tensor. */
function fmix32(b: Builder, v: Value): Value {
  const shape = v.type.shape;
  const xorShift = (x: Value, s: number): Value => b.binary('xor', x, b.binary('shift_right_logical', x, b.constI(s, shape)));
  let h = xorShift(v, 16);
  h = b.mul(h, b.constI(FMIX_MUL1, shape));
  h = xorShift(h, 13);
  h = b.mul(h, b.constI(FMIX_MUL2, shape));
  return xorShift(h, 16);
}

/** The f32 mask (0 or 1 / (1 - rate)) of shape `shape` for an i32 scalar `key` and a salt. */
export function dropoutMask(b: Builder, shape: readonly number[], key: Value, salt: number, rate: number): Value {
  const seed = fmix32(b, b.binary('xor', key, b.constI(Math.imul(salt, DROPOUT_SALT_MUL))));
  const index = b.reshape(b.iota([numel(shape)], 0, 'i32'), shape);
  const mixed = b.add(b.mul(index, b.constI(DROPOUT_GOLDEN, shape)), b.broadcast(seed, shape, []));
  const bits = b.binary('shift_right_logical', fmix32(b, mixed), b.constI(32 - DROPOUT_BITS, shape));
  const threshold = Math.round((1 - rate) * 2 ** DROPOUT_BITS);
  const keep = b.compare(bits, b.constI(threshold, shape), 'LT');
  return b.select(keep, b.constF(1 / (1 - rate), shape), b.constF(0, shape));
}

export const dropoutRule: LayerRule = (b, x, _params, layer, ctx) => {
  const { rate } = layer.layer as DropoutLayerSpec;
  if (!ctx.training || rate === 0) return { y: x, backward: (dy) => ({ dx: dy, grads: [] }) };
  if (!ctx.rngKey) throw new BackendError('pjrt', `dropout layer "${layer.name}" is training without an rngKey`, { detailCode: 'INTERNAL' });
  const mask = dropoutMask(b, x.type.shape, ctx.rngKey, layer.index, rate);
  return { y: b.mul(x, mask), backward: (dy) => ({ dx: b.mul(dy, mask), grads: [] }) };
};
