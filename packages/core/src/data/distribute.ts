/**
 * `distributeDataset`: shuffles, shards and batches a source for one worker's replicas,
 * the pipeline behind `Strategy.distributeDataset`.
 *
 * Protocol (per worker, no communication):
 * 1. Resolve the auto-shard policy (shard.ts) from the source and numInputPipelines;
 *    under FILE open only this worker's files, else the whole source.
 * 2. Build the step plan (step-plan.ts): stepsPerEpoch, and per (epoch, step) the run of
 *    stream positions this worker reads. Every worker gets the same stepsPerEpoch.
 * 3. Per step: split the run evenly over the local replicas (batch.ts) and gather each
 *    part into the next slot of the preallocated batch ring (gather.ts), reshuffling
 *    whenever the stream enters a new real pass (shuffle.ts).
 * 4. The position "next step is (epoch, step)" is an IteratorState; `resume` validates a
 *    saved one and says where to continue.
 */
import type { Batch } from '../contracts/batch';
import { DataError } from '../errors/data-error';
import { InvalidConfigError } from '../errors/invalid-config-error';
import { ShardMismatchError } from '../errors/shard-mismatch-error';
import { BatchRing, DEFAULT_RING_DEPTH, splitEven } from './batch';
import type { DistributeOptions } from '../contracts/distributed-dataset';
import type { ShardedDataset } from './sharded-dataset';
import type { ExampleSource } from '../contracts/example-source';
import { isFileListSource, type FileListSource } from './file-list-source';
import { StreamShardedDataset } from './sources/stream-dataset';
import { isStreamSource, type StreamSource } from './sources/stream-spec';
import { gatherRange } from './gather';
import { InputContext, type InputContextInit } from './input-context';
import { checkStateMatches, ITERATOR_STATE_VERSION, parseIteratorState, type IteratorState } from './iterator-state';
import { assignFiles, resolveAutoShardPolicy } from './shard';
import type { ResolvedShardPolicy } from '../contracts/shard-policy';
import { DEFAULT_SHUFFLE_SEED, PassOrder, SHUFFLE_STREAM } from './shuffle';
import { StepPlan } from './step-plan';
import { planStepGroups, type StepGroupBatches } from './step-groups';
import { checkPositiveInt, streamPosition } from './virtual-epoch';

/** Shuffle stream ids of FILE-sharded workers start here (one stream per worker's files). */
const FILE_STREAM_BASE = SHUFFLE_STREAM + 1;

/**
 * Builds this worker's view of `source`. `ctx` says which input pipeline this is and how
 * many replicas train in sync (default: one worker, one replica). Throws
 * InvalidConfigError for a global batch that does not divide by numReplicasInSync, a bad
 * policy (FILE without enough files), a virtual epoch with no step; DataError for an
 * empty source or an empty FILE shard.
 */
export function distributeDataset(
  source: ExampleSource | FileListSource | StreamSource,
  options: DistributeOptions,
  ctx: InputContext | InputContextInit = {},
): ShardedDataset {
  if (isStreamSource(source)) return new StreamShardedDataset(source, options, InputContext.from(ctx)); // streamed by a reader thread
  return new ShardedDatasetImpl(source, options, InputContext.from(ctx));
}

class ShardedDatasetImpl implements ShardedDataset {
  readonly stepsPerEpoch: number;
  readonly globalBatchSize: number;
  readonly perReplicaBatchSize: number;
  readonly numLocalReplicas: number;
  readonly exampleShape: readonly number[];
  readonly policy: ResolvedShardPolicy;
  readonly examplesPerEpoch: number;
  readonly datasetSize: number;
  readonly localSize: number;
  readonly ringDepth: number;
  private readonly local: ExampleSource;
  private readonly plan: StepPlan;
  private readonly order: PassOrder;
  private readonly ring: BatchRing;
  private readonly slotBatches: Batch[][];
  private readonly seed: number;
  private readonly shuffle: boolean;
  private readonly dropRemainder: boolean;
  private readonly stepsPerExecution: number;
  private produced = 0;

  constructor(
    source: ExampleSource | FileListSource,
    options: DistributeOptions,
    readonly inputContext: InputContext,
  ) {
    const W = inputContext.numInputPipelines;
    const rank = inputContext.inputPipelineId;
    this.globalBatchSize = options.globalBatchSize;
    this.perReplicaBatchSize = inputContext.getPerReplicaBatchSize(options.globalBatchSize);
    this.numLocalReplicas = inputContext.numLocalReplicas;
    const fileList = isFileListSource(source) ? source : undefined;
    this.policy = resolveAutoShardPolicy(options.autoShardPolicy ?? 'AUTO', fileList?.files.length, W);
    this.datasetSize = source.size;
    if (this.datasetSize === 0) throw new DataError('distributeDataset: the source holds no examples; check the data path or the slice you passed.');
    if (fileList) {
      const files = this.policy === 'FILE' ? assignFiles(fileList.files.length, W, rank) : fileList.files.map((_, i) => i);
      this.local = fileList.open(files);
      if (this.local.size === 0) {
        throw new DataError(
          `distributeDataset: worker ${rank}'s FILE shard (${files.map((f) => fileList.files[f]).join(', ')}) holds no examples; use DATA sharding or remove empty files.`,
        );
      }
    } else {
      this.local = source as ExampleSource;
    }
    this.localSize = this.local.size;
    this.exampleShape = this.local.exampleShape;
    this.examplesPerEpoch = options.virtualEpochSize ?? this.datasetSize;
    checkPositiveInt('virtualEpochSize', this.examplesPerEpoch);
    this.seed = (options.seed ?? DEFAULT_SHUFFLE_SEED) >>> 0;
    if (options.seed !== undefined && !(Number.isInteger(options.seed) && options.seed >= 0 && options.seed <= 0xffff_ffff)) {
      throw new InvalidConfigError('seed', options.seed, 'an integer in [0, 2^32)');
    }
    this.shuffle = options.shuffle ?? true;
    this.dropRemainder = options.dropRemainder ?? false;
    this.plan = new StepPlan({
      policy: this.policy,
      worldSize: W,
      rank,
      globalBatchSize: this.globalBatchSize,
      examplesPerEpoch: this.examplesPerEpoch,
      dropRemainder: this.dropRemainder,
    });
    this.stepsPerEpoch = this.plan.stepsPerEpoch;
    if (this.stepsPerEpoch === 0) {
      throw new InvalidConfigError(
        'virtualEpochSize',
        this.examplesPerEpoch,
        `at least one full step (${this.policy === 'OFF' ? this.globalBatchSize / W : this.globalBatchSize} examples) with dropRemainder; lower the batch or keep the remainder`,
      );
    }
    this.stepsPerExecution = options.stepsPerExecution ?? 1;
    checkPositiveInt('stepsPerExecution', this.stepsPerExecution);
    this.ringDepth = options.ringDepth ?? Math.max(DEFAULT_RING_DEPTH, 2 * this.stepsPerExecution);
    checkPositiveInt('ringDepth', this.ringDepth);
    const stream = this.policy === 'FILE' ? FILE_STREAM_BASE + rank : SHUFFLE_STREAM;
    this.order = new PassOrder(this.localSize, this.seed, this.shuffle, stream);
    const labelKind = options.labelKind ?? this.local.labelKind ?? 'int32';
    this.ring = new BatchRing(this.numLocalReplicas, this.perReplicaBatchSize, this.exampleShape, this.ringDepth, options.allocator, labelKind);
    this.slotBatches = Array.from({ length: this.ringDepth }, () => new Array<Batch>(this.numLocalReplicas));
  }

  step(epoch: number, step: number): readonly Batch[] {
    this.checkStep(epoch, step, this.stepsPerEpoch - 1);
    const { start, stride, count } = this.plan.range(epoch, step);
    const slot = this.ring.slotOf(this.produced++);
    const out = this.slotBatches[slot]!;
    for (let r = 0; r < this.numLocalReplicas; r++) {
      const part = splitEven(count, this.numLocalReplicas, r);
      gatherRange(this.local, this.order, start + part.start * stride, stride, part.size, this.ring.features(slot, r), this.ring.labels(slot, r));
      out[r] = this.ring.batch(slot, r, part.size);
    }
    return out;
  }

  *epoch(epoch: number, fromStep = 0): Generator<readonly Batch[]> {
    this.checkStep(epoch, fromStep, this.stepsPerEpoch);
    for (let s = fromStep; s < this.stepsPerEpoch; s++) yield this.step(epoch, s);
  }

  *groups(epoch: number, stepsPerExecution = this.stepsPerExecution, fromStep = 0): Generator<StepGroupBatches> {
    if (2 * stepsPerExecution > this.ringDepth) {
      throw new InvalidConfigError(
        'stepsPerExecution',
        stepsPerExecution,
        `at most ringDepth / 2 = ${Math.floor(this.ringDepth / 2)}; pass stepsPerExecution (or ringDepth) to distributeDataset`,
      );
    }
    for (const g of planStepGroups(this.stepsPerEpoch, stepsPerExecution, fromStep)) {
      const batches: (readonly Batch[])[] = [];
      for (let s = g.firstStep; s < g.firstStep + g.steps; s++) batches.push([...this.step(epoch, s)]);
      yield { ...g, batches };
    }
  }

  examplesInStep(step: number): number {
    this.checkStep(0, step, this.stepsPerEpoch - 1);
    const len = this.plan.stepLength(step);
    return this.policy === 'OFF' ? len * this.inputContext.numInputPipelines : len;
  }

  stateAt(epoch: number, step: number): IteratorState {
    this.checkStep(epoch, step, this.stepsPerEpoch);
    const stepBatch = this.policy === 'OFF' ? this.globalBatchSize / this.inputContext.numInputPipelines : this.globalBatchSize;
    const position = epoch * this.examplesPerEpoch + Math.min(step * stepBatch, this.examplesPerEpoch);
    const { pass, offset } = streamPosition(position, this.datasetSize);
    return {
      version: ITERATOR_STATE_VERSION,
      epoch,
      step,
      pass,
      offset,
      seed: this.seed,
      shuffle: this.shuffle,
      datasetSize: this.datasetSize,
      globalBatchSize: this.globalBatchSize,
      examplesPerEpoch: this.examplesPerEpoch,
      dropRemainder: this.dropRemainder,
      policy: this.policy,
      worldSize: this.inputContext.numInputPipelines,
    };
  }

  resume(state: IteratorState | string): { epoch: number; step: number } {
    const saved = parseIteratorState(state);
    if (saved.step > this.stepsPerEpoch) {
      throw new ShardMismatchError(
        `Cannot resume the dataset: the saved state is at step ${saved.step} of epoch ${saved.epoch}, but an epoch here has ${this.stepsPerEpoch} steps; resume with the configuration it was saved under.`,
      );
    }
    checkStateMatches(saved, this.stateAt(saved.epoch, saved.step));
    return saved.step === this.stepsPerEpoch ? { epoch: saved.epoch + 1, step: 0 } : { epoch: saved.epoch, step: saved.step };
  }

  private checkStep(epoch: number, step: number, maxStep: number): void {
    if (!(Number.isSafeInteger(epoch) && epoch >= 0)) throw new InvalidConfigError('epoch', epoch, 'an integer >= 0');
    if (!(Number.isInteger(step) && step >= 0 && step <= maxStep)) {
      throw new InvalidConfigError('step', step, `an integer in [0, ${maxStep}] (stepsPerEpoch ${this.stepsPerEpoch})`);
    }
  }
}
