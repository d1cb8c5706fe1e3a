/**
 * Auto-shard policies with tf.data's meanings, and the pure shard functions behind them.
 *
 * Protocol (tf.data.experimental.AutoShardPolicy):
 * 1. OFF: no sharding; every input pipeline (worker) reads the whole dataset.
 * 2. FILE: the list of files is sharded: file f goes to worker f mod W. An error when the
 *    source is not a file list, or has fewer files than workers (a worker would be idle).
 * 3. DATA: every worker walks the whole (shuffled) order and keeps element i when
 *    i mod W = its id: "every W-th element".
 * 4. AUTO: FILE when the source is a file list with at least W files, else DATA.
 * With one worker every policy reads everything, so it resolves to OFF.
 */
import { InvalidConfigError } from '../errors/invalid-config-error';
import type { AutoShardPolicy, ResolvedShardPolicy } from '../contracts/shard-policy';
import { DEFAULT_SHUFFLE_SEED, identityOrder, permutation } from './shuffle';

/** The policies in the order TensorFlow lists them (for messages and validation). */
export const AUTO_SHARD_POLICIES: readonly AutoShardPolicy[] = ['OFF', 'AUTO', 'FILE', 'DATA'];

/**
 * Resolves `policy` for `numWorkers` input pipelines. `numFiles` is the file count of a
 * file-list source, or undefined for a source that is not file based. Throws
 * InvalidConfigError for an unknown policy, FILE without files, or FILE with fewer files
 * than workers (the message says which policy to use instead).
 */
export function resolveAutoShardPolicy(policy: AutoShardPolicy, numFiles: number | undefined, numWorkers: number): ResolvedShardPolicy {
  if (!AUTO_SHARD_POLICIES.includes(policy)) {
    throw new InvalidConfigError('autoShardPolicy', policy, `one of ${AUTO_SHARD_POLICIES.join(', ')}`);
  }
  if (policy === 'FILE') {
    if (numFiles === undefined) {
      throw new InvalidConfigError(
        'autoShardPolicy',
        policy,
        'DATA, AUTO or OFF for a source that is not a file list (FILE shards the list of files; use fileListSource(...) or pick DATA)',
      );
    }
    if (numFiles < numWorkers) {
      throw new InvalidConfigError(
        'autoShardPolicy',
        policy,
        `at least as many files as workers for FILE sharding (${numFiles} file(s) for ${numWorkers} workers); use DATA or AUTO, or split the data into more files`,
      );
    }
  }
  if (numWorkers <= 1 || policy === 'OFF') return 'OFF';
  if (policy === 'AUTO') return numFiles !== undefined && numFiles >= numWorkers ? 'FILE' : 'DATA';
  return policy;
}

/** Files of worker `rank` under FILE sharding: f with f mod worldSize = rank, in order. */
export function assignFiles(numFiles: number, worldSize: number, rank: number): number[] {
  const mine: number[] = [];
  for (let f = rank; f < numFiles; f += worldSize) mine.push(f);
  return mine;
}

/**
 * How many of `count` consecutive stream elements worker `rank` keeps under DATA
 * sharding (those whose offset j satisfies j mod worldSize = rank): floor or ceil of
 * count / worldSize, the first `count mod worldSize` ranks taking one more.
 */
export function shareOf(count: number, worldSize: number, rank: number): number {
  return rank < count ? Math.floor((count - rank - 1) / worldSize) + 1 : 0;
}

/** Arguments of `shardIndices`. */
export interface ShardIndicesArgs {
  readonly datasetSize: number;
  readonly worldSize: number;
  readonly rank: number;
  /** Real pass over the data (an epoch when epochs are whole passes). */
  readonly epoch: number;
  readonly seed?: number;
  readonly shuffle?: boolean;
  /** Defaults to DATA; OFF returns the whole order. FILE needs files: see assignFiles. */
  readonly policy?: 'OFF' | 'DATA';
}

/**
 * The example indices worker `rank` reads in pass `epoch` under DATA sharding: the pass's
 * shuffled order, every worldSize-th element starting at `rank`. Pure; the shards of all
 * ranks are disjoint, cover the permutation and differ in size by at most one. Throws
 * InvalidConfigError for a bad size, world size or rank.
 */
export function shardIndices(args: ShardIndicesArgs): Uint32Array {
  const { datasetSize, worldSize, rank, epoch } = args;
  checkWorld(worldSize, rank);
  if (!(Number.isInteger(datasetSize) && datasetSize >= 0)) {
    throw new InvalidConfigError('datasetSize', datasetSize, 'a non-negative integer');
  }
  const order = args.shuffle === false ? identityOrder(datasetSize) : permutation(datasetSize, args.seed ?? DEFAULT_SHUFFLE_SEED, epoch);
  if (args.policy === 'OFF' || worldSize === 1) return order;
  const out = new Uint32Array(shareOf(datasetSize, worldSize, rank));
  for (let i = rank, k = 0; i < datasetSize; i += worldSize, k++) out[k] = order[i]!;
  return out;
}

/** Throws InvalidConfigError unless worldSize >= 1 and 0 <= rank < worldSize (integers). */
export function checkWorld(worldSize: number, rank: number): void {
  if (!(Number.isInteger(worldSize) && worldSize >= 1)) {
    throw new InvalidConfigError('worldSize', worldSize, 'an integer >= 1');
  }
  if (!(Number.isInteger(rank) && rank >= 0 && rank < worldSize)) {
    throw new InvalidConfigError('rank', rank, `an integer in [0, ${worldSize - 1}] (worldSize ${worldSize})`);
  }
}
