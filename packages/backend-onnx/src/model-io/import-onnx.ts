/**
 * Import: an ONNX inference model (e.g. exported from PyTorch or Keras) as a fine-tunable
 * model on this backend.
 * 1. decode; find the float initializers that feed a differentiable parameter slot
 *    (Conv W/B, Gemm/MatMul operands, Add/Sub/Mul/Div operands, BatchNorm scale/bias):
 *    those are trainable unless frozen; BatchNorm running mean/var are kept as
 *    non-trainable layout entries; every other initializer stays a constant;
 * 2. build the graphs (imported-graphs.ts), failing before training on an op without a rule;
 * 3. replicas train with the flat optimizers; `exportInference(weights)` writes the model back.
 */
import {
  BackendError,
  optimizerSpecSchema,
  type MetricSpec,
  type OptimizerSpec,
  type ReplicaProgram,
  type WeightEntry,
  type WeightLayout,
} from '@syncline/core';
import { decodeModel, type ModelProto } from '../proto/onnx-proto';
import { OnnxReplica } from '../replica/onnx-replica';
import type { ReplicaGraphs } from '../replica/replica-graphs';
import type { OnnxSessionOptions } from '../replica/session-options';
import { exportInference } from './export-inference';
import { buildImportedGraphs, type ImportedParam } from './imported-graphs';
import { floatValues } from './initializer-values';

/** Node input slots that hold learnable parameters when fed by an initializer. */
const TRAINABLE_SLOTS: Readonly<Record<string, readonly number[]>> = {
  Conv: [1, 2],
  Gemm: [0, 1, 2],
  MatMul: [0, 1],
  Add: [0, 1],
  Sub: [0, 1],
  Mul: [0, 1],
  Div: [0, 1],
  BatchNormalization: [1, 2],
  LayerNormalization: [1, 2],
  // PyTorch's Linear on a sequence exports as MatMul(x, Transpose(weight)).
  Transpose: [0],
};
/** Slots holding state that is stored with the weights but not trained. */
const STATE_SLOTS: Readonly<Record<string, readonly number[]>> = { BatchNormalization: [3, 4] };

export interface OnnxImportOptions {
  /** Optimizer for fine-tuning (core's spec form; default adam with core's defaults). */
  readonly optimizer?: unknown;
  /** Initializer names to keep frozen (constants). */
  readonly freeze?: readonly string[];
  /** ORT session options for replicas. */
  readonly session?: OnnxSessionOptions;
  /**
   * BatchNormalization while training: 'train' (default) normalises with batch statistics
   * and updates the running ones, as PyTorch's model.train(); 'frozen' keeps the running
   * statistics fixed (inference form). Evaluation and export always use running statistics.
   */
  readonly batchNorm?: 'train' | 'frozen';
  /** Where the bytes came from, for error messages. */
  readonly source?: string;
  /** The spec's metrics (default accuracy only): the graphs then also output their sums (graph/metric-head.ts). */
  readonly metrics?: readonly MetricSpec[];
}

export class ImportedOnnxModel {
  private constructor(
    readonly graphs: ReplicaGraphs,
    readonly inputName: string,
    private readonly session?: OnnxSessionOptions,
  ) {}

  get layout(): WeightLayout {
    return this.graphs.layout;
  }
  get trainableSize(): number {
    return this.graphs.trainableSize;
  }
  get inputShape(): readonly number[] {
    return this.graphs.inputShape;
  }
  get numClasses(): number {
    return this.graphs.numClasses;
  }

  /** A replica starting from the imported weights (dropout-free graphs: the seed is unused). */
  async createReplica(seed = 0): Promise<ReplicaProgram> {
    return OnnxReplica.create(this.graphs, seed, this.session);
  }

  /** The model with `weights` (e.g. a replica's getWeights()) as an inference .onnx file: `x` in, `probs` out. */
  exportInference(weights: Float32Array): Uint8Array {
    return exportInference(this.graphs.predict, this.graphs.layout, weights);
  }

  /** @internal builds from decoded model bytes. */
  static async fromModel(model: ModelProto, options: OnnxImportOptions): Promise<ImportedOnnxModel> {
    const g = model.graph;
    const source = options.source ?? 'the model';
    const inits = new Map(g.initializer.map((t) => [t.name!, t]));
    const dataInputs = g.input.filter((i) => !inits.has(i.name));
    if (dataInputs.length !== 1)
      throw new BackendError('onnx', `${source} has ${dataInputs.length} data inputs (${dataInputs.map((i) => i.name).join(', ')}); import needs exactly one`);
    const input = dataInputs[0]!;
    const dims = input.type?.tensor_type?.shape?.dim ?? [];
    const inputShape = dims.slice(1).map((d, i) => {
      if (d.dim_value === undefined)
        throw new BackendError('onnx', `input "${input.name}" dimension ${i + 1} is symbolic ("${d.dim_param}"); only the batch dimension may be`);
      return Number(d.dim_value);
    });
    const frozen = new Set(options.freeze ?? []);
    const role = new Map<string, 'trainable' | 'state'>();
    for (const n of g.node) {
      n.input.forEach((name, slot) => {
        const t = inits.get(name);
        if (!t || t.data_type !== 1) return;
        if (TRAINABLE_SLOTS[n.op_type]?.includes(slot) && !frozen.has(name)) role.set(name, 'trainable');
        else if (STATE_SLOTS[n.op_type]?.includes(slot) && role.get(name) !== 'trainable') role.set(name, 'state');
      });
    }
    const params: ImportedParam[] = [...role].map(([name, r]) => ({ tensor: inits.get(name)!, trainable: r === 'trainable' }));
    params.sort((a, b) => Number(b.trainable) - Number(a.trainable));
    const entries: WeightEntry[] = [];
    let offset = 0;
    const values: Float32Array[] = [];
    for (const p of params) {
      const v = floatValues(p.tensor);
      entries.push({ name: p.tensor.name!, shape: p.tensor.dims.map(Number), offset, size: v.length, trainable: p.trainable });
      values.push(v);
      offset += v.length;
    }
    const initialWeights = new Float32Array(offset);
    entries.forEach((e, i) => initialWeights.set(values[i]!, e.offset));
    const built = await buildImportedGraphs(model, input.name, inputShape, params, (options.batchNorm ?? 'train') === 'train', options.metrics);
    const optimizer: OptimizerSpec = optimizerSpecSchema.parse(options.optimizer ?? { name: 'adam' });
    const trainableSize = entries.filter((e) => e.trainable).reduce((a, e) => a + e.size, 0);
    return new ImportedOnnxModel(
      { ...built, layout: { entries, totalSize: offset }, trainableSize, inputShape, optimizer, initialWeights, masks: [] },
      input.name,
      options.session,
    );
  }
}

/**
 * Loads an ONNX inference model for fine-tuning.
 * @throws BackendError when the bytes are not a usable model;
 *   UnsupportedOperationError naming the op and node when a parameter's path holds an op
 *   without a gradient rule (before any training).
 */
export async function importOnnxModel(bytes: Uint8Array, options: OnnxImportOptions = {}): Promise<ImportedOnnxModel> {
  return ImportedOnnxModel.fromModel(decodeModel(bytes, options.source), options);
}
