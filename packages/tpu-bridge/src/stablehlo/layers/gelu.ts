/**
 * Exact GELU, as the onnx backend computes it: y = 0.5 x (1 + erf(x / √2)).
 * erf is CHLO's `chlo.erf`, which XLA's StableHLO import legalises to its own float32
 * rational approximation (the one jax.lax.erf uses), so no approximation of ours enters.
 * VJP (exact): dy (Φ(x) + x φ(x)) with Φ(x) = 0.5 (1 + erf(x / √2)), φ(x) = exp(-x² / 2) / √(2π).
 */
import type { Builder } from '../builder';
import type { Value } from '../tensor-type';
import type { LayerForward } from './layer-rule';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export function erf(b: Builder, v: Value): Value {
  return b.op('chlo.erf', [v], v.type);
}

export function geluRule(b: Builder, z: Value): LayerForward {
  const shape = z.type.shape;
  const cdf = b.scale(b.add(b.constF(1, shape), erf(b, b.scale(z, Math.SQRT1_2))), 0.5);
  const y = b.mul(z, cdf);
  return {
    y,
    backward: (dy) => {
      const pdf = b.scale(b.unary('exponential', b.scale(b.mul(z, z), -0.5)), INV_SQRT_2PI);
      return { dx: b.mul(dy, b.add(cdf, b.mul(z, pdf))), grads: [] };
    },
  };
}
