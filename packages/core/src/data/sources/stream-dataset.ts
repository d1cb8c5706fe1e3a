/**
 * `distributeDataset` for a StreamSource: the same step plan, batch ring, partial-batch
 * protocol and iterator state as in-memory sources (distribute.ts), but examples come
 * from a reader thread that streams the files.
 *
 * Protocol (per worker, no communication):
 * 1. Resolve the policy (shard.ts) with the file count: under FILE this worker's stream
 *    is its own files (f mod W = rank; logged by the caller through `localFiles`), under
 *    DATA and OFF it is every file.
 * 2. The stream is pass 0, pass 1, ... of those files (pass-stream.ts: file order,
 *    interleave and shuffle buffer seeded by (seed, pass)); positions come from the step plan.
 * 3. Steps are read in order; asking for any other (epoch, step) than the next one
 *    (resume, a new epoch of validation) restarts the reader there. The stream is a pure
 *    function of the configuration, so (epoch, step) is a complete, replayable state.
 */
import { basename } from 'node:path';
import type { Batch } from '../../contracts/batch';
import type { DistributeOptions } from '../../contracts/distributed-dataset';
import type { ResolvedShardPolicy } from '../../contracts/shard-policy';
import { DataError } from '../../errors/data-error';
import { InvalidConfigError } from '../../errors/invalid-config-error';
import { ShardMismatchError } from '../../errors/shard-mismatch-error';
import { BatchRing, DEFAULT_RING_DEPTH, splitEven } from '../batch';
import { type InputContext } from '../input-context';
import { checkStateMatches, ITERATOR_STATE_VERSION, parseIteratorState, type IteratorState } from '../iterator-state';
import { assignFiles, resolveAutoShardPolicy } from '../shard';
import type { ShardedDataset } from '../sharded-dataset';
import { DEFAULT_SHUFFLE_SEED } from '../shuffle';
import { planStepGroups, type StepGroupBatches } from '../step-groups';
import { StepPlan } from '../step-plan';
import { checkPositiveInt, streamPosition } from '../virtual-epoch';
import type { StreamOptions, StreamSource } from './stream-spec';
import { StreamReader } from './stream-reader';

/** Defaults of the stream options (tf.data's usual choices). */
export const DEFAULT_SHUFFLE_BUFFER = 10_000;
export const DEFAULT_CYCLE_LENGTH = 4;
/** Prefetch ring: at least this many examples, and at least 4 worker batches. */
export const MIN_PREFETCH_EXAMPLES = 1_024;
/** ...but never more than this many bytes. */
export const MAX_PREFETCH_BYTES = 64 << 20;

/** Stops a reader thread once its dataset is garbage: fit and evaluate never close the datasets they make. */
const READERS = new FinalizationRegistry<StreamReader>((reader) => void reader.close());

export class StreamShardedDataset implements ShardedDataset {
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
  /** Indices of the files this worker reads. */
  readonly localFiles: readonly number[];
  readonly #plan: StepPlan;
  readonly #ring: BatchRing;
  readonly #slotBatches: Batch[][];
  readonly #reader: StreamReader;
  readonly #seed: number;
  readonly #shuffle: boolean;
  readonly #dropRemainder: boolean;
  readonly #stepsPerExecution: number;
  #produced = 0;
  #next: { epoch: number; step: number } | undefined;

  constructor(
    readonly source: StreamSource,
    options: DistributeOptions & StreamOptions,
    readonly inputContext: InputContext,
  ) {
    const W = inputContext.numInputPipelines;
    const rank = inputContext.inputPipelineId;
    this.globalBatchSize = options.globalBatchSize;
    this.perReplicaBatchSize = inputContext.getPerReplicaBatchSize(options.globalBatchSize);
    this.numLocalReplicas = inputContext.numLocalReplicas;
    this.policy = resolveAutoShardPolicy(options.autoShardPolicy ?? 'AUTO', source.files.length, W);
    this.datasetSize = source.size;
    if (this.datasetSize === 0) throw new DataError(`${source.name}: holds no examples; check --data.`);
    this.localFiles = this.policy === 'FILE' ? assignFiles(source.files.length, W, rank) : source.files.map((_, i) => i);
    this.localSize = this.localFiles.reduce((a, f) => a + source.fileSizes[f]!, 0);
    if (this.localSize === 0)
      throw new DataError(
        `worker ${rank}'s FILE shard (${this.localFiles.map((f) => source.files[f]).join(', ')}) holds no examples; use DATA sharding or remove empty files.`,
      );
    const names = (fs: readonly number[]): string => fs.map((f) => basename(source.files[f]!)).join(', ');
    if (W > 1)
      source.options.log?.(
        `syncline: worker ${rank} of ${W} reads ${this.localFiles.length} of ${source.files.length} file(s) of ${source.name} (${this.policy} sharding)` +
          (this.policy === 'FILE' ? `: ${names(this.localFiles)}` : ''),
      );
    this.exampleShape = source.exampleShape;
    this.examplesPerEpoch = options.virtualEpochSize ?? this.datasetSize;
    checkPositiveInt('virtualEpochSize', this.examplesPerEpoch);
    if (options.seed !== undefined && !(Number.isInteger(options.seed) && options.seed >= 0 && options.seed <= 0xffff_ffff)) {
      throw new InvalidConfigError('seed', options.seed, 'an integer in [0, 2^32)');
    }
    this.#seed = (options.seed ?? DEFAULT_SHUFFLE_SEED) >>> 0;
    this.#shuffle = options.shuffle ?? true;
    this.#dropRemainder = options.dropRemainder ?? false;
    const planConfig = {
      policy: this.policy,
      worldSize: W,
      rank,
      globalBatchSize: this.globalBatchSize,
      examplesPerEpoch: this.examplesPerEpoch,
      dropRemainder: this.#dropRemainder,
    };
    this.#plan = new StepPlan(planConfig);
    this.stepsPerEpoch = this.#plan.stepsPerEpoch;
    if (this.stepsPerEpoch === 0) throw new InvalidConfigError('virtualEpochSize', this.examplesPerEpoch, 'at least one full step with dropRemainder');
    this.#stepsPerExecution = options.stepsPerExecution ?? 1;
    checkPositiveInt('stepsPerExecution', this.#stepsPerExecution);
    this.ringDepth = options.ringDepth ?? Math.max(DEFAULT_RING_DEPTH, 2 * this.#stepsPerExecution);
    const labelKind = options.labelKind ?? source.spec.labelKind ?? 'int32';
    this.#ring = new BatchRing(this.numLocalReplicas, this.perReplicaBatchSize, this.exampleShape, this.ringDepth, options.allocator, labelKind);
    this.#slotBatches = Array.from({ length: this.ringDepth }, () => new Array<Batch>(this.numLocalReplicas));
    const len = source.exampleLength;
    const workerBatch = this.perReplicaBatchSize * this.numLocalReplicas;
    const wanted = options.prefetchExamples ?? source.options.prefetchExamples ?? Math.max(MIN_PREFETCH_EXAMPLES, 4 * workerBatch);
    const capacity = Math.max(1, Math.min(wanted, Math.floor(MAX_PREFETCH_BYTES / (4 * len))));
    const cycleLength = options.cycleLength ?? source.options.cycleLength ?? DEFAULT_CYCLE_LENGTH;
    const shuffleBuffer = options.shuffleBuffer ?? source.options.shuffleBuffer ?? DEFAULT_SHUFFLE_BUFFER;
    checkPositiveInt('cycleLength', cycleLength);
    checkPositiveInt('shuffleBuffer', shuffleBuffer);
    this.#reader = new StreamReader(
      {
        spec: { ...source.spec, labelKind },
        localFiles: this.localFiles,
        localSize: this.localSize,
        pass: { seed: this.#seed, shuffle: this.#shuffle, shuffleBuffer, cycleLength },
        plan: planConfig,
      },
      capacity,
    );
    READERS.register(this, this.#reader, this);
  }

  step(epoch: number, step: number): readonly Batch[] {
    this.#checkStep(epoch, step, this.stepsPerEpoch - 1);
    if (!this.#next || this.#next.epoch !== epoch || this.#next.step !== step) this.#reader.restart(epoch, step);
    const { count } = this.#plan.range(epoch, step);
    const slot = this.#ring.slotOf(this.#produced++);
    const out = this.#slotBatches[slot]!;
    for (let r = 0; r < this.numLocalReplicas; r++) {
      const part = splitEven(count, this.numLocalReplicas, r);
      this.#reader.take(part.size, this.#ring.features(slot, r), this.#ring.labels(slot, r));
      out[r] = this.#ring.batch(slot, r, part.size);
    }
    this.#next = step + 1 < this.stepsPerEpoch ? { epoch, step: step + 1 } : { epoch: epoch + 1, step: 0 };
    return out;
  }

  *epoch(epoch: number, fromStep = 0): Generator<readonly Batch[]> {
    this.#checkStep(epoch, fromStep, this.stepsPerEpoch);
    for (let s = fromStep; s < this.stepsPerEpoch; s++) yield this.step(epoch, s);
  }

  *groups(epoch: number, stepsPerExecution = this.#stepsPerExecution, fromStep = 0): Generator<StepGroupBatches> {
    if (2 * stepsPerExecution > this.ringDepth) {
      throw new InvalidConfigError('stepsPerExecution', stepsPerExecution, `at most ringDepth / 2 = ${Math.floor(this.ringDepth / 2)}`);
    }
    for (const g of planStepGroups(this.stepsPerEpoch, stepsPerExecution, fromStep)) {
      const batches: (readonly Batch[])[] = [];
      for (let s = g.firstStep; s < g.firstStep + g.steps; s++) batches.push([...this.step(epoch, s)]);
      yield { ...g, batches };
    }
  }

  examplesInStep(step: number): number {
    this.#checkStep(0, step, this.stepsPerEpoch - 1);
    const len = this.#plan.stepLength(step);
    return this.policy === 'OFF' ? len * this.inputContext.numInputPipelines : len;
  }

  stateAt(epoch: number, step: number): IteratorState {
    this.#checkStep(epoch, step, this.stepsPerEpoch);
    const stepBatch = this.policy === 'OFF' ? this.globalBatchSize / this.inputContext.numInputPipelines : this.globalBatchSize;
    const { pass, offset } = streamPosition(epoch * this.examplesPerEpoch + Math.min(step * stepBatch, this.examplesPerEpoch), this.datasetSize);
    return {
      version: ITERATOR_STATE_VERSION,
      epoch,
      step,
      pass,
      offset,
      seed: this.#seed,
      shuffle: this.#shuffle,
      datasetSize: this.datasetSize,
      globalBatchSize: this.globalBatchSize,
      examplesPerEpoch: this.examplesPerEpoch,
      dropRemainder: this.#dropRemainder,
      policy: this.policy,
      worldSize: this.inputContext.numInputPipelines,
    };
  }

  resume(state: IteratorState | string): { epoch: number; step: number } {
    const saved = parseIteratorState(state);
    if (saved.step > this.stepsPerEpoch)
      throw new ShardMismatchError(`Cannot resume the dataset: step ${saved.step} of an epoch of ${this.stepsPerEpoch} steps.`);
    checkStateMatches(saved, this.stateAt(saved.epoch, saved.step));
    return saved.step === this.stepsPerEpoch ? { epoch: saved.epoch + 1, step: 0 } : { epoch: saved.epoch, step: saved.step };
  }

  /** Stops the reader thread (it is also unref'd, so an exiting process never waits for it). */
  close(): Promise<void> {
    READERS.unregister(this);
    return this.#reader.close();
  }

  #checkStep(epoch: number, step: number, maxStep: number): void {
    if (!(Number.isSafeInteger(epoch) && epoch >= 0)) throw new InvalidConfigError('epoch', epoch, 'an integer >= 0');
    if (!(Number.isInteger(step) && step >= 0 && step <= maxStep)) {
      throw new InvalidConfigError('step', step, `an integer in [0, ${maxStep}] (stepsPerEpoch ${this.stepsPerEpoch})`);
    }
  }
}
