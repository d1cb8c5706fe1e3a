/**
 * Turns a core Batch into ORT feeds without copying features or labels (typed-array views),
 * after checking sizes and label range; errors name the field, the sizes and what to do.
 * The labels input is int32 class ids or float32 targets, as the loss head declares it
 * (core's labelKindOf); labels of the other type (integer-valued floats for a classifier,
 * or class ids for a regression) are converted, so a plain caller's Int32Array still feeds
 * an MSE model. onnxruntime-node rejects SharedArrayBuffer-backed arrays ("Invalid
 * argument"), which the shared-memory input pipeline hands out: those (and labels of
 * another type) are copied into `stage`, buffers reused across steps (touching fresh
 * memory is slow on these machines).
 */
import * as ort from 'onnxruntime-node';
import { DataError, describeLabelBounds, labelInBounds, ShapeMismatchError, type Batch, type LabelBounds } from '@syncline/core';
import { LABELS_INPUT } from '../graph/loss-head';
import { X_INPUT } from '../graph/spec-forward';

/** Reusable staging buffers for batches that arrive in shared memory. */
export interface FeedStage {
  x?: Float32Array;
  y?: Int32Array;
  yf?: Float32Array;
}

type Wanted = typeof Float32Array | typeof Int32Array;

function unshared<T extends Float32Array | Int32Array>(v: ArrayLike<number> & { buffer: ArrayBufferLike }, stage: FeedStage, key: 'x' | 'y' | 'yf'): T {
  const wanted: Wanted = key === 'y' ? Int32Array : Float32Array;
  if (!(v.buffer instanceof SharedArrayBuffer) && v instanceof wanted) return v as unknown as T;
  let buf = stage[key] as T | undefined;
  if (!buf || buf.length < v.length) {
    buf = new wanted(v.length) as T;
    (stage as Record<string, unknown>)[key] = buf;
  }
  const view = buf.subarray(0, v.length) as T;
  view.set(v);
  return view;
}

/** `labels`: the output width (int32 class ids in [0, width)) or the loss's LabelBounds. */
export function batchFeeds(batch: Batch, inputShape: readonly number[], labels: number | LabelBounds, stage: FeedStage = {}): Record<string, ort.Tensor> {
  const bounds: LabelBounds = typeof labels === 'number' ? { kind: 'int32', min: 0, max: labels } : labels;
  const n = batch.size;
  const per = inputShape.reduce((a, c) => a * c, 1);
  const perBatch = batch.exampleShape.reduce((a, c) => a * c, 1);
  if (perBatch !== per) {
    throw new ShapeMismatchError(`batch examples have shape [${batch.exampleShape.join(', ')}] but the model takes [${inputShape.join(', ')}]`);
  }
  if (batch.x.length < n * per || batch.y.length < n) {
    throw new ShapeMismatchError(`batch of ${n} examples carries ${batch.x.length} feature values (need ${n * per}) and ${batch.y.length} labels (need ${n})`);
  }
  const y = batch.y.length === n ? batch.y : batch.y.subarray(0, n);
  for (let i = 0; i < n; i++) {
    const label = y[i]!;
    if (!labelInBounds(label, bounds)) {
      throw new DataError(
        `label ${label} of example ${i} is not ${describeLabelBounds(bounds)}; check the dataset's labels against the model's output width and loss`,
      );
    }
  }
  const x = batch.x.length === n * per ? batch.x : batch.x.subarray(0, n * per);
  const real = bounds.kind === 'float32';
  return {
    [X_INPUT]: new ort.Tensor('float32', unshared<Float32Array>(x, stage, 'x'), [n, ...inputShape]),
    [LABELS_INPUT]: real
      ? new ort.Tensor('float32', unshared<Float32Array>(y, stage, 'yf'), [n])
      : new ort.Tensor('int32', unshared<Int32Array>(y, stage, 'y'), [n]),
  };
}
