/**
 * The "onnx" OrchestratedBackend: builds ORT training/eval graphs from core's model spec
 * and returns OnnxReplica programs. Weights are Glorot-uniform from `options.seed` with
 * backend-tfjs's documented generator, so every replica (on either backend) built with the
 * same seed starts identical; dropout streams differ per replica.
 */
import { glorotUniformInit, mixSeed, weightLayoutOf, numClasses, type BuildOptions, type ModelSpec, type OrchestratedBackend, type ReplicaProgram } from '@syncline/core';
import { buildSpecGraphs } from './graph/spec-graphs';
import { OnnxReplica } from './replica/onnx-replica';
import type { OnnxSessionOptions } from './replica/session-options';

/** Name under which this backend registers. */
export const ONNX_BACKEND_NAME = 'onnx';
/** Stream id of dropout masks (per replica: mixSeed(seed, DROPOUT_STREAM, replicaId)). */
const DROPOUT_STREAM = 0xd50;

/** Options of the onnx backend: ORT session settings (structured-cloneable). */
export type OnnxBackendOptions = OnnxSessionOptions;

export class OnnxBackend implements OrchestratedBackend {
  readonly name = ONNX_BACKEND_NAME;
  readonly stepShape = 'orchestrated' as const;

  constructor(readonly options: OnnxBackendOptions = {}) {}

  async createReplica(spec: ModelSpec, build: BuildOptions): Promise<ReplicaProgram> {
    const graphs = await buildSpecGraphs(spec);
    const layout = weightLayoutOf(spec);
    const rates = spec.layers.flatMap((l) => (l.type === 'dropout' && l.rate > 0 ? [l.rate] : []));
    const dropoutSeed = mixSeed(build.seed, DROPOUT_STREAM, build.replicaId ?? 0);
    return OnnxReplica.create(
      {
        train: graphs.train,
        eval: graphs.eval,
        predict: graphs.predict,
        layout,
        trainableSize: layout.totalSize,
        inputShape: spec.inputShape,
        numClasses: numClasses(spec),
        optimizer: spec.optimizer,
        initialWeights: glorotUniformInit(layout, build.seed),
        masks: graphs.masks.map((m, i) => ({ ...m, rate: rates[i]! })),
      },
      dropoutSeed,
      this.options,
    );
  }
}

/**
 * Backend factory in the shape core's PluginRef expects (`{ module: '@syncline/backend-onnx',
 * export: 'createOnnxBackend', options }`): one call per replica.
 */
export function createOnnxBackend(options: unknown = {}): OnnxBackend {
  return new OnnxBackend((options ?? {}) as OnnxBackendOptions);
}
