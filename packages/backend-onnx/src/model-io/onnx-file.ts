/**
 * An .onnx file named by path (`onnx({ model })`, `syncline train --model model.onnx`): what
 * a trainer needs to know of it before replicas start (input shape, output width, read from
 * the graph without building sessions), and the fine-tuned model written back as an
 * inference file with its trained weights (`--export-onnx`).
 */
import { readFileSync } from 'node:fs';
import { InvalidConfigError } from '@syncline/core';
import { decodeModel, type ModelProto } from '../proto/onnx-proto';
import { importOnnxModel } from './import-onnx';

/** The shape of an .onnx model's one data input (without the batch) and the width of its first output. */
export interface OnnxModelSummary {
  readonly inputShape: number[];
  readonly outputUnits: number;
}

function readModel(path: string, field: string): { bytes: Uint8Array; model: ModelProto } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new InvalidConfigError(field, path, `a readable .onnx model file (${(e as Error).message})`);
  }
  return { bytes, model: decodeModel(bytes, path) };
}

/** Reads the summary from the graph. Throws InvalidConfigError for a model without one fixed-shape data input and a [batch, units] output. */
export function describeOnnxModelFile(path: string, field = 'model'): OnnxModelSummary {
  const { graph } = readModel(path, field).model;
  const inits = new Set(graph.initializer.map((t) => t.name));
  const inputs = graph.input.filter((i) => !inits.has(i.name));
  const dims = (v: (typeof graph.input)[number] | undefined): (number | undefined)[] =>
    (v?.type?.tensor_type?.shape?.dim ?? []).map((d) => (d.dim_value === undefined ? undefined : Number(d.dim_value)));
  const inShape = dims(inputs[0]).slice(1);
  const outShape = dims(graph.output[0]);
  if (inputs.length !== 1 || inShape.length === 0 || inShape.some((d) => d === undefined) || inShape.length > 3) {
    throw new InvalidConfigError(field, path, 'an .onnx model with one data input whose dimensions after the batch are fixed (at most 3 of them)');
  }
  if (outShape.length !== 2 || outShape[1] === undefined) throw new InvalidConfigError(field, path, 'an .onnx model whose first output is [batch, classes]');
  return { inputShape: inShape as number[], outputUnits: outShape[1] };
}

/** The model at `path` with `weights` (laid out as its import lays them out) as an inference .onnx file. */
export async function exportOnnxModelFile(path: string, weights: Float32Array, field = 'model'): Promise<Uint8Array> {
  const imported = await importOnnxModel(readModel(path, field).bytes, { source: path });
  return imported.exportInference(weights);
}
