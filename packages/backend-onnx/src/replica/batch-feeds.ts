/**
 * Turns a core Batch into ORT feeds without copying features or labels (typed-array views),
 * after checking sizes and label range; errors name the field, the sizes and what to do.
 * onnxruntime-node rejects SharedArrayBuffer-backed arrays ("Invalid argument"), which the
 * shared-memory input pipeline hands out: those (and labels of another integer type, which
 * plain JS callers pass despite the Int32Array type) are copied into `stage`, buffers
 * reused across steps (touching fresh memory is slow on these machines).
 */
import * as ort from 'onnxruntime-node';
import { DataError, ShapeMismatchError, type Batch } from '@syncline/core';
import { LABELS_INPUT } from '../graph/loss-head';
import { X_INPUT } from '../graph/spec-forward';

/** Reusable staging buffers for batches that arrive in shared memory. */
export interface FeedStage {
  x?: Float32Array;
  y?: Int32Array;
}

function unshared<T extends Float32Array | Int32Array>(v: T, stage: FeedStage, key: 'x' | 'y'): T {
  const wanted = key === 'x' ? Float32Array : Int32Array;
  if (!(v.buffer instanceof SharedArrayBuffer) && v instanceof wanted) return v;
  let buf = stage[key] as T | undefined;
  if (!buf || buf.length < v.length) {
    buf = (key === 'x' ? new Float32Array(v.length) : new Int32Array(v.length)) as T;
    (stage as Record<string, unknown>)[key] = buf;
  }
  const view = buf.subarray(0, v.length) as T;
  view.set(v);
  return view;
}

/** `labels`: the output width (labels in [0, width)) or the accepted range [min, max). */
export function batchFeeds(
  batch: Batch,
  inputShape: readonly number[],
  labels: number | { readonly min: number; readonly max: number },
  stage: FeedStage = {},
): Record<string, ort.Tensor> {
  const { min, max } = typeof labels === 'number' ? { min: 0, max: labels } : labels;
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
    if (!(label >= min && label < max)) {
      throw new DataError(`label ${label} of example ${i} is outside [${min}, ${max}); check the dataset's labels against the model's output width and loss`);
    }
  }
  const x = batch.x.length === n * per ? batch.x : batch.x.subarray(0, n * per);
  return {
    [X_INPUT]: new ort.Tensor('float32', unshared(x, stage, 'x'), [n, ...inputShape]),
    [LABELS_INPUT]: new ort.Tensor('int32', unshared(y, stage, 'y'), [n]),
  };
}
