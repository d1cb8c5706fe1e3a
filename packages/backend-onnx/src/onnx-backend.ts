/**
 * The "onnx" OrchestratedBackend: builds ORT training/eval graphs from core's model spec
 * and returns OnnxReplica programs. Weights are Glorot-uniform from `options.seed` with
 * backend-tfjs's documented generator, so every replica (on either backend) built with the
 * same seed starts identical; dropout streams differ per replica. With `options.model`
 * (the path of an .onnx file, e.g. exported from PyTorch) every replica imports that model
 * instead and fine-tunes it from its own weights, with the spec's optimizer.
 */
import { readFileSync } from 'node:fs';
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
import { importOnnxModel } from './model-io/import-onnx';
import { OnnxReplica } from './replica/onnx-replica';
import { toOrtOptions, type OnnxSessionOptions } from './replica/session-options';

/** Name under which this backend registers. */
export const ONNX_BACKEND_NAME = 'onnx';
/** Stream id of dropout masks (per replica: mixSeed(seed, DROPOUT_STREAM, replicaId)). */
const DROPOUT_STREAM = 0xd50;

/** Options of the onnx backend: ORT session settings, and an .onnx file to fine-tune (structured-cloneable). */
export type OnnxBackendOptions = OnnxSessionOptions & {
  /** Path of an .onnx model every replica imports and fine-tunes instead of building the spec's layers. */
  readonly model?: string;
};

export class OnnxBackend implements OrchestratedBackend {
  readonly name = ONNX_BACKEND_NAME;
  readonly stepShape = 'orchestrated' as const;

  constructor(readonly options: OnnxBackendOptions = {}) {}

  async createReplica(spec: ModelSpec, build: BuildOptions): Promise<ReplicaProgram> {
    const { model, ...session } = this.options;
    if (model !== undefined) {
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(model);
      } catch (e) {
        throw new InvalidConfigError('onnx backend options.model', model, `a readable .onnx file (${(e as Error).message})`);
      }
      const imported = await importOnnxModel(bytes, { source: model, optimizer: spec.optimizer, session, metrics: spec.metrics });
      return imported.createReplica(build.seed);
    }
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
        gradientOutputs: graphs.gradientOutputs,
      },
      dropoutSeed,
      session,
    );
  }
}

const KNOWN_OPTIONS: ReadonlySet<string> = new Set(['intraOpNumThreads', 'graphOptimizationLevel', 'executionProviders', 'profileFilePrefix', 'model']);

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
  const { model, ...session } = options as OnnxBackendOptions;
  if (model !== undefined && (typeof model !== 'string' || model === '')) {
    throw new InvalidConfigError('onnx backend options.model', model, 'the path of an .onnx model file');
  }
  toOrtOptions(session);
  return new OnnxBackend(options as OnnxBackendOptions);
}
