/**
 * An SSA text builder for StableHLO in MLIR's generic op syntax
 * (`%r = "stablehlo.add"(%a, %b) : (T, T) -> T`), which every StableHLO version parses
 * the same way. Result shapes are computed here, so every emitted type is checked
 * against its operands before XLA sees it; a mismatch is a bug in a rule, reported with
 * the op name and shapes.
 */
import { f32Hex, i64Array, i64Matrix, typeText, type DType, type TensorType, type Value } from './tensor-type';

export type ReduceKind = 'add' | 'max';
export type CompareDir = 'EQ' | 'NE' | 'GE' | 'GT' | 'LE' | 'LT';

/** Shared counter so nested regions never reuse an SSA name visible from outside. */
interface Names {
  next: number;
}

export class Builder {
  readonly lines: string[] = [];

  constructor(
    private readonly names: Names = { next: 0 },
    private readonly indent = '    ',
  ) {}

  fresh(prefix = 'v'): string {
    return `%${prefix}${this.names.next++}`;
  }

  /** A builder for a nested region (shares SSA names, deeper indent). */
  child(): Builder {
    return new Builder(this.names, `${this.indent}    `);
  }

  /** Emits one op with one result. */
  op(name: string, operands: readonly Value[], result: TensorType, attrs = '', regions: readonly string[] = []): Value {
    const ref = this.fresh();
    this.lines.push(`${this.indent}${ref} = ${opText(name, operands, [result], attrs, regions)}`);
    return { ref, type: result };
  }

  /** Emits one op with several results (`%r:3`), returned as `%r#i`. */
  opMulti(name: string, operands: readonly Value[], results: readonly TensorType[], attrs = '', regions: readonly string[] = []): Value[] {
    const ref = this.fresh('m');
    this.lines.push(`${this.indent}${ref}:${results.length} = ${opText(name, operands, results, attrs, regions)}`);
    return results.map((type, i) => ({ ref: `${ref}#${i}`, type }));
  }

  /** Emits a terminator such as `stablehlo.return` or `func.return`. */
  terminator(name: string, operands: readonly Value[]): void {
    this.lines.push(`${this.indent}"${name}"(${operands.map((v) => v.ref).join(', ')}) : (${operands.map((v) => typeText(v.type)).join(', ')}) -> ()`);
  }

  /** A region `{ ^bb0(args): body; stablehlo.return results }` as text. */
  region(argTypes: readonly TensorType[], body: (b: Builder, args: Value[]) => Value[]): string {
    const b = this.child();
    const args = argTypes.map((type) => ({ ref: this.fresh('a'), type }));
    const results = body(b, args);
    b.terminator('stablehlo.return', results);
    const head = `${this.indent}  ^bb0(${args.map((a) => `${a.ref}: ${typeText(a.type)}`).join(', ')}):`;
    return `{\n${head}\n${b.lines.join('\n')}\n${this.indent}}`;
  }

  /** A scalar reducer region (`add` or `max`) over `dtype`. */
  reducer(kind: ReduceKind, dtype: DType = 'f32'): string {
    const scalar: TensorType = { shape: [], dtype };
    return this.region([scalar, scalar], (b, [x, y]) => [b.op(`stablehlo.${kind === 'add' ? 'add' : 'maximum'}`, [x!, y!], scalar)]);
  }

  // --- constants and shape ops ---

  /** A splat f32 constant of `shape`. */
  constF(value: number, shape: readonly number[] = []): Value {
    const t: TensorType = { shape, dtype: 'f32' };
    return this.op('stablehlo.constant', [], t, `{value = dense<${f32Hex(value)}> : ${typeText(t)}}`);
  }

  /** A splat i32 constant of `shape`. */
  constI(value: number, shape: readonly number[] = []): Value {
    const t: TensorType = { shape, dtype: 'i32' };
    return this.op('stablehlo.constant', [], t, `{value = dense<${value | 0}> : ${typeText(t)}}`);
  }

  broadcast(v: Value, shape: readonly number[], dims: readonly number[]): Value {
    dims.forEach((d, i) => {
      const from = v.type.shape[i]!;
      if (from !== 1 && from !== shape[d]) fail('broadcast_in_dim', [v], `dim ${i} (${from}) -> ${shape[d]}`);
    });
    return this.op('stablehlo.broadcast_in_dim', [v], { shape, dtype: v.type.dtype }, `{broadcast_dimensions = ${i64Array(dims)}}`);
  }

  reshape(v: Value, shape: readonly number[]): Value {
    if (shape.reduce((a, b) => a * b, 1) !== v.type.shape.reduce((a, b) => a * b, 1)) fail('reshape', [v], `to [${shape}]`);
    return this.op('stablehlo.reshape', [v], { shape, dtype: v.type.dtype });
  }

  transpose(v: Value, perm: readonly number[]): Value {
    return this.op('stablehlo.transpose', [v], { shape: perm.map((p) => v.type.shape[p]!), dtype: v.type.dtype }, `{permutation = ${i64Array(perm)}}`);
  }

  reverse(v: Value, dims: readonly number[]): Value {
    return this.op('stablehlo.reverse', [v], v.type, `{dimensions = ${i64Array(dims)}}`);
  }

  convert(v: Value, dtype: DType): Value {
    return this.op('stablehlo.convert', [v], { shape: v.type.shape, dtype });
  }

  iota(shape: readonly number[], dim: number, dtype: DType = 'i32'): Value {
    return this.op('stablehlo.iota', [], { shape, dtype }, `{iota_dimension = ${dim} : i64}`);
  }

  // --- elementwise ---

  binary(
    name: 'add' | 'subtract' | 'multiply' | 'divide' | 'maximum' | 'minimum' | 'power' | 'and' | 'or' | 'xor' | 'shift_left' | 'shift_right_logical',
    a: Value,
    b: Value,
  ): Value {
    if (typeText(a.type) !== typeText(b.type)) fail(name, [a, b], 'operand types differ');
    return this.op(`stablehlo.${name}`, [a, b], a.type);
  }
  add = (a: Value, b: Value): Value => this.binary('add', a, b);
  sub = (a: Value, b: Value): Value => this.binary('subtract', a, b);
  mul = (a: Value, b: Value): Value => this.binary('multiply', a, b);
  div = (a: Value, b: Value): Value => this.binary('divide', a, b);
  max = (a: Value, b: Value): Value => this.binary('maximum', a, b);
  pow = (a: Value, b: Value): Value => this.binary('power', a, b);
  min = (a: Value, b: Value): Value => this.binary('minimum', a, b);

  unary(name: 'negate' | 'exponential' | 'log' | 'sqrt' | 'rsqrt' | 'tanh' | 'logistic' | 'cosine' | 'sine' | 'abs' | 'sign' | 'floor', a: Value): Value {
    return this.op(`stablehlo.${name}`, [a], a.type);
  }

  compare(a: Value, b: Value, dir: CompareDir): Value {
    if (typeText(a.type) !== typeText(b.type)) fail('compare', [a, b], 'operand types differ');
    const kind = a.type.dtype === 'f32' ? 'FLOAT' : 'SIGNED';
    return this.op(
      'stablehlo.compare',
      [a, b],
      { shape: a.type.shape, dtype: 'i1' },
      `{compare_type = #stablehlo<comparison_type ${kind}>, comparison_direction = #stablehlo<comparison_direction ${dir}>}`,
    );
  }

  select(pred: Value, onTrue: Value, onFalse: Value): Value {
    return this.op('stablehlo.select', [pred, onTrue, onFalse], onTrue.type);
  }

  /** `a * c` for a scalar JS constant c, splatted to a's shape. */
  scale(a: Value, c: number): Value {
    return this.mul(a, this.constF(c, a.type.shape));
  }

  // --- reductions, contractions, slicing, collectives ---

  reduce(v: Value, kind: ReduceKind, dims: readonly number[]): Value {
    const init = kind === 'add' ? this.constF(0) : this.constF(-Infinity);
    const shape = v.type.shape.filter((_, i) => !dims.includes(i));
    return this.op('stablehlo.reduce', [v, init], { shape, dtype: v.type.dtype }, `{dimensions = ${i64Array(dims)}}`, [this.reducer(kind)]);
  }

  /** dot_general; result dims: batch, lhs free, rhs free. */
  dot(a: Value, b: Value, lhsContract: readonly number[], rhsContract: readonly number[]): Value {
    lhsContract.forEach((d, i) => {
      if (a.type.shape[d] !== b.type.shape[rhsContract[i]!]) fail('dot_general', [a, b], `contracting ${d} vs ${rhsContract[i]}`);
    });
    const shape = [...a.type.shape.filter((_, i) => !lhsContract.includes(i)), ...b.type.shape.filter((_, i) => !rhsContract.includes(i))];
    return this.op(
      'stablehlo.dot_general',
      [a, b],
      { shape, dtype: 'f32' },
      `{dot_dimension_numbers = #stablehlo.dot<lhs_contracting_dimensions = [${lhsContract.join(', ')}], rhs_contracting_dimensions = [${rhsContract.join(', ')}]>}`,
    );
  }

  /** Static slice [start, limit) with `strides` (default 1) along every axis. */
  slice(v: Value, start: readonly number[], limit: readonly number[], strides: readonly number[] = start.map(() => 1)): Value {
    const shape = start.map((s, i) => Math.ceil((limit[i]! - s) / strides[i]!));
    if (shape.some((n, i) => n < 0 || limit[i]! > v.type.shape[i]!)) fail('slice', [v], `[${start}] to [${limit}]`);
    return this.op(
      'stablehlo.slice',
      [v],
      { shape, dtype: v.type.dtype },
      `{limit_indices = ${i64Array(limit)}, start_indices = ${i64Array(start)}, strides = ${i64Array(strides)}}`,
    );
  }

  /** This replica's index as an i32 scalar (stablehlo.replica_id is ui32). */
  replicaId(): Value {
    const id = this.op('stablehlo.replica_id', [], { shape: [], dtype: 'ui32' });
    return this.convert(id, 'i32');
  }

  dynamicSlice(v: Value, starts: readonly Value[], sizes: readonly number[]): Value {
    return this.op('stablehlo.dynamic_slice', [v, ...starts], { shape: sizes, dtype: v.type.dtype }, `{slice_sizes = ${i64Array(sizes)}}`);
  }

  dynamicUpdateSlice(v: Value, update: Value, starts: readonly Value[]): Value {
    return this.op('stablehlo.dynamic_update_slice', [v, update, ...starts], v.type);
  }

  /** Sum over every replica in `groups` (one group: all replicas). */
  allReduceSum(v: Value, groups: readonly (readonly number[])[]): Value {
    const attrs = `{replica_groups = ${i64Matrix(groups)}}`;
    return this.op('stablehlo.all_reduce', [v], v.type, attrs, [this.reducer('add', v.type.dtype)]);
  }

  concatenate(values: readonly Value[], dim: number): Value {
    const shape = [...values[0]!.type.shape];
    shape[dim] = values.reduce((a, v) => a + v.type.shape[dim]!, 0);
    return this.op('stablehlo.concatenate', values, { shape, dtype: values[0]!.type.dtype }, `{dimension = ${dim} : i64}`);
  }

  pad(v: Value, value: Value, lo: readonly number[], hi: readonly number[], interior: readonly number[]): Value {
    const shape = v.type.shape.map((n, i) => lo[i]! + hi[i]! + n + Math.max(0, n - 1) * interior[i]!);
    return this.op(
      'stablehlo.pad',
      [v, value],
      { shape, dtype: v.type.dtype },
      `{edge_padding_high = ${i64Array(hi)}, edge_padding_low = ${i64Array(lo)}, interior_padding = ${i64Array(interior)}}`,
    );
  }
}

function opText(name: string, operands: readonly Value[], results: readonly TensorType[], attrs: string, regions: readonly string[]): string {
  const ins = operands.map((v) => v.ref).join(', ');
  const regionText = regions.length > 0 ? ` (${regions.join(', ')})` : '';
  const attrText = attrs ? ` ${attrs}` : '';
  const outs = results.length === 1 ? typeText(results[0]!) : `(${results.map(typeText).join(', ')})`;
  return `"${name}"(${ins})${regionText}${attrText} : (${operands.map((v) => typeText(v.type)).join(', ')}) -> ${outs}`;
}

function fail(op: string, operands: readonly Value[], why: string): never {
  throw new Error(`internal StableHLO emitter error in ${op}: ${why}; operands ${operands.map((v) => typeText(v.type)).join(', ')}`);
}
