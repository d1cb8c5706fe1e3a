/**
 * A small mutable ONNX graph under construction: fresh value names, nodes, constants,
 * graph inputs/outputs, and serialisation to a ModelProto. Forward builders, gradient
 * rules and the importer all emit nodes through it.
 */
import {
  AttrType,
  DataType,
  IR_VERSION,
  OPSET_VERSION,
  type AttributeProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from '../proto/onnx-proto';

/** Attribute values: integers and integer arrays map to INT/INTS, strings to STRING. */
export type AttrValue = number | readonly number[] | string | { f: number } | { floats: readonly number[] } | { t: TensorProto };
export type Attrs = Readonly<Record<string, AttrValue>>;
/** A dimension: a number, or a symbolic name such as "N" for the batch. */
export type Dim = number | string;

export function toAttribute(name: string, v: AttrValue): AttributeProto {
  if (typeof v === 'number') return { name, type: AttrType.INT, i: v };
  if (typeof v === 'string') return { name, type: AttrType.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: AttrType.INTS, ints: [...(v as number[])] };
  if ('f' in (v as object)) return { name, type: AttrType.FLOAT, f: (v as { f: number }).f };
  if ('floats' in (v as object)) return { name, type: AttrType.FLOATS, floats: [...(v as { floats: number[] }).floats] };
  return { name, type: AttrType.TENSOR, t: (v as { t: TensorProto }).t };
}

/** A float32 tensor proto holding `values` as little-endian raw bytes. */
export function floatTensor(name: string, dims: readonly number[], values: Float32Array | readonly number[]): TensorProto {
  const data = values instanceof Float32Array ? values : Float32Array.from(values);
  return { name, dims: [...dims], data_type: DataType.FLOAT, raw_data: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) };
}

/** An int64 tensor proto. */
export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): TensorProto {
  return { name, dims: [...dims], data_type: DataType.INT64, int64_data: [...values] };
}

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  readonly #used = new Set<string>();
  readonly #constCache = new Map<string, string>();
  #counter = 0;

  /** Default-domain opset written by toModel (imported graphs keep theirs when newer). */
  opset = OPSET_VERSION;

  constructor(readonly name = 'syncline') {}

  /** Reserves names that already exist (imported graphs). */
  reserve(names: Iterable<string>): void {
    for (const n of names) this.#used.add(n);
  }

  /** A value name not used before, e.g. "relu_3". */
  fresh(prefix: string): string {
    let name: string;
    do name = `${prefix}_${this.#counter++}`;
    while (this.#used.has(name));
    this.#used.add(name);
    return name;
  }

  /** Appends a node; `outputs` is a count (fresh names) or explicit names. Returns output names. */
  node(opType: string, inputs: readonly string[], outputs: number | readonly string[] = 1, attrs: Attrs = {}): string[] {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(opType.toLowerCase())) : [...outputs];
    for (const o of outs) this.#used.add(o);
    this.nodes.push({
      op_type: opType,
      input: [...inputs],
      output: outs,
      name: `${opType}_${this.nodes.length}`,
      attribute: Object.entries(attrs).map(([k, v]) => toAttribute(k, v)),
    });
    return outs;
  }

  /** One-output node. */
  op(opType: string, inputs: readonly string[], attrs: Attrs = {}): string {
    return this.node(opType, inputs, 1, attrs)[0]!;
  }

  /** A cached int64 initializer (shapes, axes). */
  constInt64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `i64:${dims.join('x')}:${values.join(',')}`;
    let name = this.#constCache.get(key);
    if (!name) {
      name = this.fresh('const_i64');
      this.initializers.push(int64Tensor(name, dims, values));
      this.#constCache.set(key, name);
    }
    return name;
  }

  /** A float32 initializer (not cached: pass small or unique tensors). */
  constFloat(values: Float32Array | readonly number[], dims: readonly number[]): string {
    const name = this.fresh('const_f32');
    this.initializers.push(floatTensor(name, dims, values));
    return name;
  }

  /** A cached float32 scalar. */
  scalar(v: number): string {
    const key = `f32:${v}`;
    let name = this.#constCache.get(key);
    if (!name) {
      name = this.constFloat([v], []);
      this.#constCache.set(key, name);
    }
    return name;
  }

  addInput(name: string, elemType: number, dims: readonly Dim[]): string {
    this.#used.add(name);
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  addOutput(name: string, elemType: number, dims?: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /**
   * The finished model (default domain, `opset`, 17 unless raised; version 1 of any other
   * domain a node names, e.g. com.microsoft.nchwc). Node names are made
   * unique (ONNX requires it): a later node whose name is taken, such as an imported
   * PyTorch "Identity_0" beside the builder's own, gets a numeric suffix.
   */
  toModel(): ModelProto {
    const seen = new Set<string>();
    const node = this.nodes.map((n) => {
      if (!n.name || !seen.has(n.name)) {
        if (n.name) seen.add(n.name);
        return n;
      }
      let k = 1;
      while (seen.has(`${n.name}_${k}`)) k++;
      seen.add(`${n.name}_${k}`);
      return { ...n, name: `${n.name}_${k}` };
    });
    return {
      ir_version: IR_VERSION,
      opset_import: [
        { domain: '', version: this.opset },
        ...[...new Set(node.map((n) => n.domain ?? ''))].filter((d) => d && d !== 'ai.onnx').map((domain) => ({ domain, version: 1 })),
      ],
      producer_name: '@syncline/backend-onnx',
      graph: { name: this.name, node, initializer: this.initializers, input: this.inputs, output: this.outputs },
    };
  }
}

export function valueInfo(name: string, elemType: number, dims?: readonly Dim[]): ValueInfoProto {
  const shape = dims ? { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } : undefined;
  return { name, type: { tensor_type: shape ? { elem_type: elemType, shape } : { elem_type: elemType } } };
}
