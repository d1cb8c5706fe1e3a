/**
 * An optimizer's state in a backend-neutral form, so it serialises into checkpoints
 * and moves between backends that share the formulas (adam, sgd, momentum, rmsprop).
 */
export interface OptimizerState {
  /** Optimizer name, e.g. "adam". */
  readonly name: string;
  /** Number of updates applied so far. */
  readonly step: number;
  /** Slot buffers, each laid out like the trainable weights (e.g. "m", "v"). */
  readonly slots: Readonly<Record<string, Float32Array>>;
}
