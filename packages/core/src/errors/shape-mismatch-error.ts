/** Tensor shapes do not fit: names the layer (or buffer) and both shapes. */
import { SynclineError } from './syncline-error';

export class ShapeMismatchError extends SynclineError {
  override readonly name = 'ShapeMismatchError';
  constructor(message: string) {
    super('SHAPE_MISMATCH', message);
  }
}
