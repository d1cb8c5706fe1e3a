/**
 * `--backend`: which backend reference the app composes, from the plugin packages' own
 * public factories (`tfjs()`, `onnx()`, `pjrt()`). Explicit registration into a registry
 * the app builds; nothing registers on import. Each reference says which train-step shape
 * it offers, so the strategy (orchestrated or compiled) is checked, not special-cased.
 */
import { Registry, type BackendRef } from '@syncline/core';
import { onnx } from '@syncline/backend-onnx';
import { tfjs } from '@syncline/backend-tfjs';
import { pjrt } from '@syncline/tpu-bridge';
import type { ModelFile } from './model-file';
import type { BackendName, TrainOptions } from './train-options';

export interface BackendChoice {
  readonly name: BackendName;
  readonly ref: BackendRef;
}

/** The backends `syncline train` offers, most preferred first (onnx: fastest here). */
export function backendRegistry(
  o: Pick<TrainOptions, 'pjrtPlugin' | 'replicas' | 'replicasGiven' | 'threadsPerReplica'> & { readonly modelFile?: ModelFile | undefined },
): Registry<BackendChoice> {
  const r = new Registry<BackendChoice>('backend');
  // --threads-per-replica sizes each ORT session (its default is one thread: within budget).
  // --model model.json of a tfjs LayersModel, or model.onnx: every replica loads and trains that model.
  const file = (kind: ModelFile['kind']): string | undefined => (o.modelFile?.kind === kind ? o.modelFile.path : undefined);
  r.register(
    'onnx',
    () => ({
      name: 'onnx',
      ref: onnx({
        ...(o.threadsPerReplica !== undefined ? { intraOpNumThreads: o.threadsPerReplica } : {}),
        ...(file('onnx') ? { model: file('onnx')! } : {}),
      }),
    }),
    20,
  );
  r.register('tfjs', () => ({ name: 'tfjs', ref: tfjs(file('tfjs') ? { layersModel: file('tfjs')! } : {}) }), 10);
  // For the XLA CPU plugin, --replicas sets how many CPU devices it creates.
  r.register('pjrt', () => ({
    name: 'pjrt',
    ref: pjrt({ ...(o.pjrtPlugin ? { pluginPath: o.pjrtPlugin } : {}), ...(o.replicasGiven ? { deviceCount: o.replicas } : {}) }),
  }));
  return r;
}
