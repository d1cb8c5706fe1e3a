/**
 * `--model path/model.json` naming a tfjs LayersModel (model.save('file://dir'), or
 * tensorflowjs_converter from Keras) instead of a Syncline spec: backend-tfjs trains the
 * saved model itself, from its saved weights, in every replica (`tfjs({ layersModel })`).
 * The strategy still needs a spec for what surrounds the model (input shape, optimizer,
 * loss, metrics, label bounds); it is derived here from the saved model: its input shape
 * and a stand-in head with the model's output width and last activation, named after the
 * file, completed by --loss / --metrics.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidConfigError, parseModelSpec, type ModelSpec } from '@syncline/core';
import { describeLayersModelFile, isLayersModelJson } from '@syncline/backend-tfjs';
import { applyModelFlags, type ModelFlags } from './model-options';

/** The absolute path of `model` when it is a tfjs LayersModel's model.json, else undefined. */
export function layersModelPath(model: string): string | undefined {
  if (!model.endsWith('.json') || !existsSync(model)) return undefined;
  try {
    return isLayersModelJson(JSON.parse(readFileSync(model, 'utf8'))) ? resolve(model) : undefined;
  } catch {
    return undefined; // not JSON: the spec reader names the problem
  }
}

/** Activations a spec's dense layer can stand in for (others read as logits, like 'linear'). */
const HEAD_ACTIVATIONS = new Set(['softmax', 'sigmoid']);

/** The spec around the saved model at `path`; throws InvalidConfigError naming --backend unless it is tfjs. */
export async function layersModelSpec(path: string, backend: string, flags: ModelFlags = {}): Promise<ModelSpec> {
  if (backend !== 'tfjs') {
    throw new InvalidConfigError('--backend', backend, `tfjs: --model ${path} is a tfjs LayersModel (model.json), which backend-tfjs trains as it is`);
  }
  const s = await describeLayersModelFile(path, '--model');
  const raw = {
    name: `${path} (tfjs LayersModel)`,
    inputShape: s.inputShape,
    layers: [
      ...(s.inputShape.length > 1 ? [{ type: 'flatten' }] : []),
      { type: 'dense', units: s.outputUnits, activation: HEAD_ACTIVATIONS.has(s.lastActivation) ? s.lastActivation : 'linear' },
    ],
  };
  return parseModelSpec(applyModelFlags(raw, flags, path), path);
}
