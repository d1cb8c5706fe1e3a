/**
 * A tfjs LayersModel saved as model.json plus weight files (`model.save('file://dir')` in
 * tfjs-node, or tensorflowjs_converter from a Keras model) read from plain files. A path,
 * unlike a model factory function, is data: it crosses into replica threads and processes
 * as a backend option (`tfjs({ layersModel })`), so every replica loads the same weights.
 * Reading uses fs and `tf.io.fromMemory`, so it works on every tfjs backend (tfjs-node's
 * file:// handler is not needed).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InvalidConfigError } from '@syncline/core';
import { silentLogger } from '../runtime/logger';
import { selectTfjsBackend } from '../runtime/select-backend';
import type { FactoryModel } from './layers-model-adapter';

interface ModelJson {
  readonly modelTopology?: unknown;
  readonly weightsManifest?: readonly { readonly paths: readonly string[]; readonly weights: readonly tf.io.WeightsManifestEntry[] }[];
  readonly format?: string;
  readonly generatedBy?: string;
  readonly convertedBy?: string | null;
}

const WANT = 'a tfjs LayersModel model.json (modelTopology and weightsManifest), as model.save("file://dir") writes it';

/** True when `json` (a parsed JSON file) is a tfjs LayersModel's model.json rather than a Syncline model spec. */
export function isLayersModelJson(json: unknown): boolean {
  return json !== null && typeof json === 'object' && 'modelTopology' in json && 'weightsManifest' in json;
}

/** The model.json at `path` with its weights, as tfjs model artifacts. Throws InvalidConfigError naming the file and what is wrong. */
export function readLayersModelArtifacts(path: string, field = 'layersModel'): tf.io.ModelArtifacts {
  let json: ModelJson;
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as ModelJson;
  } catch (e) {
    throw new InvalidConfigError(field, path, `${WANT}; it could not be read (${(e as Error).message})`);
  }
  if (!isLayersModelJson(json) || !Array.isArray(json.weightsManifest)) throw new InvalidConfigError(field, path, `${WANT}; this file is not one`);
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest) {
    for (const p of group.paths) {
      try {
        buffers.push(readFileSync(join(dirname(path), p)));
      } catch (e) {
        throw new InvalidConfigError(field, path, `${WANT}, with its weight files beside it; ${p} could not be read (${(e as Error).message})`);
      }
    }
  }
  const all = Buffer.concat(buffers);
  return {
    modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? undefined,
  };
}

/** Loads the model at `path` in this thread. Throws InvalidConfigError for a file tfjs cannot build a model from. */
export async function loadLayersModelFile(path: string, field = 'layersModel'): Promise<FactoryModel> {
  const artifacts = readLayersModelArtifacts(path, field);
  try {
    return (await tf.loadLayersModel(tf.io.fromMemory(artifacts))) as unknown as FactoryModel;
  } catch (e) {
    throw new InvalidConfigError(field, path, `${WANT}; tfjs could not build it (${(e as Error).message})`);
  }
}

/** What a trainer needs to know of a saved model before replicas start: its input shape, output width and last activation. */
export interface LayersModelSummary {
  readonly inputShape: number[];
  readonly outputUnits: number;
  readonly lastActivation: string;
}

/**
 * Loads the model once, reads its summary and disposes it. Runs on tfjs's cpu backend (a
 * coordinator thread computes nothing; a replica in this thread selects its own backend).
 */
export async function describeLayersModelFile(path: string, field = 'layersModel'): Promise<LayersModelSummary> {
  await selectTfjsBackend({ candidates: ['cpu'], logger: silentLogger });
  const model = await loadLayersModelFile(path, field);
  try {
    const inShape = model.inputs[0]?.shape.slice(1) ?? [];
    const outShape = model.outputs[0]?.shape ?? [];
    if (model.inputs.length !== 1 || model.outputs.length !== 1 || outShape.length !== 2 || inShape.some((d) => d === null)) {
      throw new InvalidConfigError(field, path, 'a model with one input of fixed shape and one [batch, units] output');
    }
    const last = model.layers[model.layers.length - 1]?.getConfig() as { activation?: unknown } | undefined;
    return { inputShape: inShape as number[], outputUnits: outShape[1]!, lastActivation: typeof last?.activation === 'string' ? last.activation : 'linear' };
  } finally {
    model.dispose();
  }
}
