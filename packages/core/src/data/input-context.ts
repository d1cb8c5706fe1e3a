/**
 * What one input pipeline (one worker) knows about the whole job, as in
 * tf.distribute.InputContext: how many pipelines there are, which one this is, and how
 * many replicas train in sync, hence how a global batch splits.
 */
import { InvalidConfigError } from '../errors/invalid-config-error';

/** Plain-object form of an InputContext (what a strategy hands across a thread boundary). */
export interface InputContextInit {
  readonly numInputPipelines?: number;
  readonly inputPipelineId?: number;
  readonly numReplicasInSync?: number;
}

/**
 * One worker's view of the input side of a strategy. Invariants (checked by the
 * constructor, InvalidConfigError otherwise): numInputPipelines >= 1,
 * 0 <= inputPipelineId < numInputPipelines, numReplicasInSync >= 1, all integers.
 */
export class InputContext {
  /** Number of input pipelines (workers) reading data; TF's `num_input_pipelines`. */
  readonly numInputPipelines: number;
  /** This pipeline's id in [0, numInputPipelines); TF's `input_pipeline_id`. */
  readonly inputPipelineId: number;
  /** Replicas in sync across all workers; TF's `num_replicas_in_sync`. */
  readonly numReplicasInSync: number;

  constructor(numInputPipelines = 1, inputPipelineId = 0, numReplicasInSync = 1) {
    if (!(Number.isInteger(numInputPipelines) && numInputPipelines >= 1)) {
      throw new InvalidConfigError('numInputPipelines', numInputPipelines, 'an integer >= 1');
    }
    if (!(Number.isInteger(inputPipelineId) && inputPipelineId >= 0 && inputPipelineId < numInputPipelines)) {
      throw new InvalidConfigError('inputPipelineId', inputPipelineId, `an integer in [0, ${numInputPipelines - 1}] (numInputPipelines ${numInputPipelines})`);
    }
    if (!(Number.isInteger(numReplicasInSync) && numReplicasInSync >= 1)) {
      throw new InvalidConfigError('numReplicasInSync', numReplicasInSync, 'an integer >= 1');
    }
    this.numInputPipelines = numInputPipelines;
    this.inputPipelineId = inputPipelineId;
    this.numReplicasInSync = numReplicasInSync;
  }

  /** Builds from a plain object (missing fields take the single-worker defaults). */
  static from(init: InputContextInit | InputContext = {}): InputContext {
    if (init instanceof InputContext) return init;
    return new InputContext(init.numInputPipelines, init.inputPipelineId, init.numReplicasInSync);
  }

  /**
   * Examples each replica gets from a global batch of `globalBatchSize`. Throws
   * InvalidConfigError when the global batch is not a positive integer multiple of
   * numReplicasInSync (as TF's `get_per_replica_batch_size` raises ValueError).
   */
  getPerReplicaBatchSize(globalBatchSize: number): number {
    if (!(Number.isInteger(globalBatchSize) && globalBatchSize >= 1)) {
      throw new InvalidConfigError('globalBatchSize', globalBatchSize, 'an integer >= 1');
    }
    if (globalBatchSize % this.numReplicasInSync !== 0) {
      const lower = globalBatchSize - (globalBatchSize % this.numReplicasInSync);
      const upper = lower + this.numReplicasInSync;
      throw new InvalidConfigError(
        'globalBatchSize',
        globalBatchSize,
        `a multiple of numReplicasInSync (${this.numReplicasInSync}), e.g. ${lower > 0 ? `${lower} or ` : ''}${upper}`,
      );
    }
    return globalBatchSize / this.numReplicasInSync;
  }

  /** Alias property-style reader of getPerReplicaBatchSize, for TF users' muscle memory. */
  perReplicaBatchSize(globalBatchSize: number): number {
    return this.getPerReplicaBatchSize(globalBatchSize);
  }

  /**
   * Replicas fed by this pipeline: numReplicasInSync / numInputPipelines. Throws
   * InvalidConfigError when replicas do not spread evenly over the pipelines.
   */
  get numLocalReplicas(): number {
    if (this.numReplicasInSync % this.numInputPipelines !== 0) {
      throw new InvalidConfigError(
        'numReplicasInSync',
        this.numReplicasInSync,
        `a multiple of numInputPipelines (${this.numInputPipelines}): every worker must feed the same number of replicas`,
      );
    }
    return this.numReplicasInSync / this.numInputPipelines;
  }

  /** JSON-friendly copy (for logs and thread messages). */
  toJSON(): Required<InputContextInit> {
    return {
      numInputPipelines: this.numInputPipelines,
      inputPipelineId: this.inputPipelineId,
      numReplicasInSync: this.numReplicasInSync,
    };
  }
}
