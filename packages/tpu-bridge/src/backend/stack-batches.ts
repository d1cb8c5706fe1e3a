/**
 * Packs `batches[step][replica]` into one [steps, batch, ...example] f32 array and one
 * [steps, batch] label array per replica, in reusable staging arrays: i32 class ids for the
 * categorical losses, f32 targets for the others (labelKindOf). Shapes are static: a batch
 * of another size is refused with the remedy (dropRemainder or a virtual epoch). Float
 * labels for a categorical loss are refused rather than truncated.
 */
import { DataError, ShapeMismatchError, type LabelKind, type StackedBatches } from '@syncline/core';

export interface Staging {
  readonly xs: Float32Array[];
  readonly ys: (Int32Array | Float32Array)[];
}

export function allocateStaging(replicas: number, steps: number, batch: number, exampleSize: number, labels: LabelKind = 'int32'): Staging {
  return {
    xs: Array.from({ length: replicas }, () => new Float32Array(steps * batch * exampleSize)),
    ys: Array.from({ length: replicas }, () => (labels === 'float32' ? new Float32Array(steps * batch) : new Int32Array(steps * batch))),
  };
}

export function stackInto(staging: Staging, stacked: StackedBatches, replicas: number, batch: number, exampleShape: readonly number[]): void {
  const exampleSize = exampleShape.reduce((a, b) => a * b, 1);
  if (stacked.batches.length !== stacked.steps) {
    throw new ShapeMismatchError(`stacked batches hold ${stacked.batches.length} steps but steps = ${stacked.steps}`);
  }
  stacked.batches.forEach((perReplica, s) => {
    if (perReplica.length !== replicas) {
      throw new ShapeMismatchError(`step ${s} has ${perReplica.length} replica batches; the program runs ${replicas} replicas`);
    }
    perReplica.forEach((bt, r) => {
      if (bt.size !== batch) {
        throw new DataError(
          `step ${s}, replica ${r}: batch of ${bt.size} examples, but the compiled program has a static per-replica batch of ${batch}; ` +
            'use dropRemainder (drop the partial final batch) or a virtual epoch (a fixed number of full batches)',
        );
      }
      if (bt.x.length !== batch * exampleSize || bt.y.length !== batch) {
        throw new ShapeMismatchError(
          `step ${s}, replica ${r}: x has ${bt.x.length} values and y ${bt.y.length} labels; expected ${batch} x [${exampleShape.join(', ')}] and ${batch}`,
        );
      }
      if (staging.ys[r] instanceof Int32Array && !(bt.y instanceof Int32Array)) {
        throw new DataError(
          `step ${s}, replica ${r}: float32 labels for a categorical loss, which reads int32 class ids; pass labelKind 'int32' (labelKindOf(spec))`,
        );
      }
      staging.xs[r]!.set(bt.x, s * batch * exampleSize);
      staging.ys[r]!.set(bt.y, s * batch);
    });
  });
}
