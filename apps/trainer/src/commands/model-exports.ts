/**
 * The trained model written as files other tools load: --export-tfjs DIR (a tfjs
 * LayersModel, model.json + weights.bin) and --export-onnx FILE (an inference .onnx model,
 * `x` in, class probabilities out; onnxruntime in any language runs it). Each is checked
 * against the model before training, so an export that cannot be made fails in the first
 * second, not after the last epoch.
 */
import { writeFileSync } from 'node:fs';
import { InvalidConfigError, OutputPathError, type ModelSpec, type WeightLayout } from '@syncline/core';
import { exportOnnxModelFile, exportSpecInference } from '@syncline/backend-onnx';
import { assertTfjsExportable, exportTfjsModel } from '@syncline/backend-tfjs';
import type { ModelFile } from './model-file';
import type { TrainOptions } from './train-options';

type ExportOptions = Pick<TrainOptions, 'exportTfjs' | 'exportOnnx'>;

/** Throws InvalidConfigError (or UnsupportedOperationError for a layer) when a requested export cannot be made of this model. */
export function checkModelExports(o: ExportOptions, file: ModelFile | undefined, spec: ModelSpec): void {
  if (o.exportTfjs && file?.kind === 'onnx')
    throw new InvalidConfigError('--export-tfjs', o.exportTfjs, 'left out for an ONNX --model (write it with --export-onnx)');
  if (o.exportTfjs && !file) assertTfjsExportable(spec);
  if (o.exportOnnx && file?.kind === 'tfjs')
    throw new InvalidConfigError('--export-onnx', o.exportOnnx, 'left out for a tfjs LayersModel --model (write it with --export-tfjs)');
}

/** Writes the requested exports of the trained weights (chief only); logs each path. */
export async function writeModelExports(
  o: ExportOptions,
  file: ModelFile | undefined,
  spec: ModelSpec,
  weights: Float32Array,
  layout: WeightLayout,
  log: (line: string) => void,
): Promise<void> {
  if (o.exportTfjs) log(`syncline: wrote the tfjs LayersModel ${await exportTfjsModel(o.exportTfjs, spec, weights, layout, file?.path)}`);
  if (o.exportOnnx) {
    const bytes = file ? await exportOnnxModelFile(file.path, weights) : await exportSpecInference(spec, weights);
    try {
      writeFileSync(o.exportOnnx, bytes);
    } catch (e) {
      throw new OutputPathError('--export-onnx', o.exportOnnx, (e as Error).message, { cause: e });
    }
    log(`syncline: wrote the ONNX model ${o.exportOnnx}`);
  }
}
