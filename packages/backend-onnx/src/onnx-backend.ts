/**
 * The "onnx" OrchestratedBackend: builds ORT training/eval graphs from core's model spec
 * and returns OnnxReplica programs. Weights are Glorot-uniform from `options.seed` with
 * backend-tfjs's documented generator, so every replica (on either backend) built with the
 * same seed starts identical; dropout streams differ per replica.
 */
import {
  InvalidConfigError,
  glorotUniformInit,
  mixSeed,
  weightLayoutOf,
  numClasses,
  labelBounds,
  resolveLoss,
  type BuildOptions,
  type ModelSpec,
  type OrchestratedBackend,
  type ReplicaProgram,
} from '@syncline/core';
import { buildSpecGraphs } from './graph/spec-graphs';
import { OnnxReplica } from './replica/onnx-replica';
import { toOrtOptions, type OnnxSessionOptions } from './replica/session-options';

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
        trainableSize: layout.entries.filter((e) => e.trainable).reduce((a, e) => a + e.size, 0),
        inputShape: spec.inputShape,
        numClasses: numClasses(spec),
        optimizer: spec.optimizer,
        initialWeights: glorotUniformInit(layout, build.seed),
        masks: graphs.masks.map((m, i) => ({ ...m, rate: rates[i]! })),
        stateUpdates: graphs.stateUpdates,
        labels: labelBounds(resolveLoss(spec), numClasses(spec)),
        metricSize: graphs.metricSize,
      },
      dropoutSeed,
      this.options,
    );
  }
}

const KNOWN_OPTIONS: ReadonlySet<string> = new Set(['intraOpNumThreads', 'graphOptimizationLevel', 'executionProviders', 'profileFilePrefix']);

/**
 * The backend factory `onnx()` references: one call per replica. Options are checked here
 * (unknown keys refused by name, values through ORT's translation).
 * @throws InvalidConfigError for a non-object or an unknown option; BackendError for a bad value
 */
export function createOnnxBackend(options: unknown = {}): OnnxBackend {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidConfigError('onnx backend options', options, 'an object such as { intraOpNumThreads: 2 }');
  }
  const unknown = Object.keys(options).filter((k) => !KNOWN_OPTIONS.has(k));
  if (unknown.length > 0) {
    throw new InvalidConfigError(
      `onnx backend options.${unknown[0]}`,
      (options as Record<string, unknown>)[unknown[0]!],
      `no such option (known: ${[...KNOWN_OPTIONS].join(', ')})`,
    );
  }
  toOrtOptions(options as OnnxBackendOptions);
  return new OnnxBackend(options as OnnxBackendOptions);
}
