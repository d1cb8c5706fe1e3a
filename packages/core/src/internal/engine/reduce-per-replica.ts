/** Reduces per-replica values on the coordinator (strategy.reduce). */
import type { ReduceOp } from '../../contracts/communicator';
import type { PerReplica } from '../../contracts/strategy';
import { ShapeMismatchError } from '../../errors/shape-mismatch-error';

export function reducePerReplica(op: ReduceOp, value: PerReplica<number> | PerReplica<Float32Array>): number | Float32Array {
  const vs = value.values;
  if (vs.length === 0) throw new ShapeMismatchError('reduce needs at least one replica value');
  if (typeof vs[0] === 'number') {
    const nums = vs as readonly number[];
    if (op === 'max') return Math.max(...nums);
    const s = nums.reduce((a, b) => a + b, 0);
    return op === 'mean' ? s / nums.length : s;
  }
  const arrs = vs as readonly Float32Array[];
  const n = arrs[0]!.length;
  const out = new Float32Array(arrs[0]!);
  for (let r = 1; r < arrs.length; r++) {
    const a = arrs[r]!;
    if (a.length !== n) throw new ShapeMismatchError(`replica ${r} has ${a.length} values, replica 0 has ${n}`);
    if (op === 'max') for (let i = 0; i < n; i++) out[i] = Math.max(out[i]!, a[i]!);
    else for (let i = 0; i < n; i++) out[i]! += a[i]!;
  }
  if (op === 'mean') for (let i = 0; i < n; i++) out[i]! /= arrs.length;
  return out;
}
