/**
 * Building blocks of the multi-head attention rule, kept apart so the rule reads as the
 * maths: a dot_general with batching dimensions (the builder's `dot` has none), heads split
 * and merged ([B, L, H·K] <-> [B, H, L, K]), a dense projection on the last axis with its
 * VJP, and a softmax over the last axis of any rank with its VJP.
 */
import type { Builder } from '../builder';
import type { Value } from '../tensor-type';

/**
 * dot_general with batching dimensions; result dims are batch (in lhs order), lhs free,
 * rhs free, as StableHLO defines them.
 */
export function batchDot(b: Builder, lhs: Value, rhs: Value, batch: readonly [number[], number[]], contract: readonly [number[], number[]]): Value {
  const [lb, rb] = batch;
  const [lc, rc] = contract;
  const same = (l: number[], r: number[]): boolean => l.length === r.length && l.every((d, i) => lhs.type.shape[d] === rhs.type.shape[r[i]!]);
  if (!same(lb, rb) || !same(lc, rc)) {
    throw new Error(
      `internal StableHLO emitter error in dot_general: batch [${lb}]/[${rb}], contract [${lc}]/[${rc}] on [${lhs.type.shape}] x [${rhs.type.shape}]`,
    );
  }
  const free = (v: Value, used: number[]): number[] => v.type.shape.filter((_, i) => !used.includes(i));
  const shape = [...lb.map((d) => lhs.type.shape[d]!), ...free(lhs, [...lb, ...lc]), ...free(rhs, [...rb, ...rc])];
  const dims =
    `lhs_batching_dimensions = [${lb.join(', ')}], rhs_batching_dimensions = [${rb.join(', ')}], ` +
    `lhs_contracting_dimensions = [${lc.join(', ')}], rhs_contracting_dimensions = [${rc.join(', ')}]`;
  return b.op('stablehlo.dot_general', [lhs, rhs], { shape, dtype: 'f32' }, `{dot_dimension_numbers = #stablehlo.dot<${dims}>}`);
}

/** A per-head contraction of [B, H, ...] tensors: batch dims 0 and 1 of both, one contracting dim each. */
export function headDot(b: Builder, lhs: Value, rhs: Value, lhsContract: number, rhsContract: number): Value {
  return batchDot(
    b,
    lhs,
    rhs,
    [
      [0, 1],
      [0, 1],
    ],
    [[lhsContract], [rhsContract]],
  );
}

/** [B, L, H·K] -> [B, H, L, K]. */
export function splitHeads(b: Builder, x: Value, heads: number): Value {
  const [batch, length, inner] = x.type.shape as [number, number, number];
  return b.transpose(b.reshape(x, [batch, length, heads, inner / heads]), [0, 2, 1, 3]);
}

/** [B, H, L, K] -> [B, L, H·K]. */
export function mergeHeads(b: Builder, x: Value): Value {
  const [batch, heads, length, key] = x.type.shape as [number, number, number, number];
  return b.reshape(b.transpose(x, [0, 2, 1, 3]), [batch, length, heads * key]);
}

/** A dense projection of [B, L, in] by `kernel` [in, out] (plus `bias` [out]), and its VJP. */
export interface Projection {
  readonly z: Value;
  /** Gradients (kernel, then bias when present) and the input's cotangent. */
  backward(dz: Value): { grads: Value[]; dx: Value };
}

export function project(b: Builder, x: Value, kernel: Value, bias: Value | undefined): Projection {
  const xw = b.dot(x, kernel, [2], [0]);
  const z = bias ? b.add(xw, b.broadcast(bias, xw.type.shape, [2])) : xw;
  return {
    z,
    backward: (dz) => {
      const grads = [b.dot(x, dz, [0, 1], [0, 1])];
      if (bias) grads.push(b.reduce(dz, 'add', [0, 1]));
      return { grads, dx: b.dot(dz, kernel, [2], [1]) };
    },
  };
}

/** Softmax over the last axis, stabilised by the max along it. */
export function softmaxLast(b: Builder, z: Value): Value {
  const shape = z.type.shape;
  const keep = shape.slice(0, -1).map((_, i) => i);
  const last = shape.length - 1;
  const shifted = b.sub(z, b.broadcast(b.reduce(z, 'max', [last]), shape, keep));
  const e = b.unary('exponential', shifted);
  return b.div(e, b.broadcast(b.reduce(e, 'add', [last]), shape, keep));
}

/** VJP of softmaxLast at output `p`: p (dp - Σ dp p). */
export function softmaxLastBackward(b: Builder, p: Value, dp: Value): Value {
  const shape = p.type.shape;
  const keep = shape.slice(0, -1).map((_, i) => i);
  const dot = b.broadcast(b.reduce(b.mul(dp, p), 'add', [shape.length - 1]), shape, keep);
  return b.mul(p, b.sub(dp, dot));
}
