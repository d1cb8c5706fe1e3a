/**
 * Copies a tensor's values into a slice of a reused Float32Array without allocating: on
 * the wasm backend straight from a view of its heap (tfjs's `typedArrayFromHeap`), else
 * through dataSync. Fresh allocations of ~1 MB per step are costly on these machines
 * (touching new memory runs ~100x slower than reusing it), and two replicas doing them
 * at once contend for page faults.
 */
import * as tf from '@tensorflow/tfjs';

interface HeapBackend {
  typedArrayFromHeap(t: tf.TensorInfo): ArrayLike<number> & { length: number };
}

function heapBackend(): HeapBackend | undefined {
  const b = tf.backend() as unknown as Partial<HeapBackend>;
  return typeof b.typedArrayFromHeap === 'function' ? (b as HeapBackend) : undefined;
}

export function readInto(t: tf.Tensor, out: Float32Array, offset: number): void {
  const heap = t.dtype === 'float32' ? heapBackend() : undefined;
  const src = heap ? heap.typedArrayFromHeap(t) : t.dataSync();
  out.set(src as Float32Array, offset);
}
