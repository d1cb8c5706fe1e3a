/** Checks a Batch against the model before any tensor is made; errors name the field and values. */
import type { Batch } from '@syncline/core';
import { DataError, describeLabelBounds, labelInBounds, ShapeMismatchError, type LabelBounds } from '@syncline/core';

/** Checks size, shape, feature count, and (for training and evaluation) every label against the loss's bounds (kind and range). */
export function validateBatch(batch: Batch, inputShape: readonly number[], labels: LabelBounds): void {
  validateFeatures(batch, inputShape);
  const { size, y } = batch;
  if (y.length !== size) throw new ShapeMismatchError(`batch.y has ${y.length} labels for ${size} examples`);
  for (let i = 0; i < size; i++) {
    const label = y[i]!;
    if (!labelInBounds(label, labels)) {
      throw new DataError(`batch.y[${i}] is ${label}; labels must be ${describeLabelBounds(labels)} for this model`);
    }
  }
}

/** Checks size, shape and feature count only (predict ignores labels). */
export function validateFeatures(batch: Batch, inputShape: readonly number[]): void {
  const { size, x, exampleShape } = batch;
  if (!Number.isInteger(size) || size < 0) {
    throw new DataError(`batch.size is ${size}; expected an integer >= 0`);
  }
  if (exampleShape.join(',') !== inputShape.join(',')) {
    throw new ShapeMismatchError(`batch.exampleShape [${exampleShape.join(', ')}] does not match the model's input shape [${inputShape.join(', ')}]`);
  }
  const perExample = inputShape.reduce((a, b) => a * b, 1);
  if (x.length !== size * perExample) {
    throw new ShapeMismatchError(`batch.x has ${x.length} values; ${size} examples of [${inputShape.join(', ')}] need ${size * perExample}`);
  }
}
