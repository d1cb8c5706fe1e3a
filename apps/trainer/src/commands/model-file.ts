/**
 * `--model` naming a model file instead of a Syncline spec: a tfjs LayersModel's model.json
 * (model.save('file://dir'), or tensorflowjs_converter from Keras), trained by backend-tfjs
 * (`tfjs({ layersModel })`), or an .onnx file (e.g. torch.onnx.export), fine-tuned by
 * backend-onnx (`onnx({ model })`). Every replica loads the file and starts from its
 * weights. The strategy still needs a spec for what surrounds the model (input shape,
 * optimizer, loss, metrics, label bounds); it is derived here from the file: its input
 * shape and a stand-in head with its output width and last activation, named after the
 * file, completed by --loss / --metrics.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidConfigError, parseModelSpec, type ModelSpec } from '@syncline/core';
import { describeOnnxModelFile } from '@syncline/backend-onnx';
import { describeLayersModelFile, isLayersModelJson } from '@syncline/backend-tfjs';
import { applyModelFlags, type ModelFlags } from './model-options';

/** A model file --model names, and the backend that trains it. */
export interface ModelFile {
  readonly kind: 'tfjs' | 'onnx';
  /** Absolute path of model.json or the .onnx file. */
  readonly path: string;
}

/** The model file `model` names, or undefined for a preset or a spec JSON file. */
export function modelFileOf(model: string): ModelFile | undefined {
  if (!existsSync(model)) return undefined;
  if (model.endsWith('.onnx')) return { kind: 'onnx', path: resolve(model) };
  if (!model.endsWith('.json')) return undefined;
  try {
    return isLayersModelJson(JSON.parse(readFileSync(model, 'utf8'))) ? { kind: 'tfjs', path: resolve(model) } : undefined;
  } catch {
    return undefined; // not JSON: the spec reader names the problem
  }
}

/** Activations a spec's dense layer can stand in for (others read as logits, like 'linear'). */
const HEAD_ACTIVATIONS = new Set(['softmax', 'sigmoid']);

/** The spec around the model file; throws InvalidConfigError naming --backend unless it is the one that trains such files. */
export async function modelFileSpec(file: ModelFile, backend: string, flags: ModelFlags = {}): Promise<ModelSpec> {
  const what = file.kind === 'tfjs' ? 'a tfjs LayersModel (model.json)' : 'an ONNX model';
  if (backend !== file.kind)
    throw new InvalidConfigError('--backend', backend, `${file.kind}: --model ${file.path} is ${what}, which backend-${file.kind} trains as it is`);
  // an imported ONNX model's output is read as logits (the import's loss is sparse categorical cross-entropy on them)
  const s =
    file.kind === 'tfjs' ? await describeLayersModelFile(file.path, '--model') : { ...describeOnnxModelFile(file.path, '--model'), lastActivation: 'linear' };
  const raw = {
    name: `${file.path} (${file.kind === 'tfjs' ? 'tfjs LayersModel' : 'ONNX model'})`,
    inputShape: s.inputShape,
    layers: [
      ...(s.inputShape.length > 1 ? [{ type: 'flatten' }] : []),
      { type: 'dense', units: s.outputUnits, activation: HEAD_ACTIVATIONS.has(s.lastActivation) ? s.lastActivation : 'linear' },
    ],
  };
  return parseModelSpec(applyModelFlags(raw, flags, file.path), file.path);
}
