/**
 * How one flat Float32Array of weights (or gradients) maps onto named tensors.
 * Gradients, weights and checkpoints all use this layout, so they are layout-free
 * byte ranges everywhere else.
 */
export interface WeightEntry {
  /** Stable tensor name, e.g. "dense_0/kernel". */
  readonly name: string;
  /** Tensor shape; the product is `size`. */
  readonly shape: readonly number[];
  /** Offset into the flat buffer, in elements (not bytes). */
  readonly offset: number;
  /** Number of elements. */
  readonly size: number;
  /** False for non-trainable state such as BatchNorm running statistics. */
  readonly trainable: boolean;
  /** Initial value when not the default (Glorot-uniform kernels, zero vectors): 'ones' (BatchNorm gamma, moving variance). */
  readonly initializer?: 'ones';
}

export interface WeightLayout {
  readonly entries: readonly WeightEntry[];
  /** Total elements: sum of every entry's size. */
  readonly totalSize: number;
}
