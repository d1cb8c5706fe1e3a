/**
 * `syncline train` flags: declared with commander, validated here into one typed object.
 * Unknown flags are rejected by commander; contradictory ones get an InvalidConfigError
 * naming both flags and what to do.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { availableParallelism } from 'node:os';
import { DEFAULT_STRAGGLER_EVERY, DEFAULT_STRAGGLER_THRESHOLD, InvalidConfigError } from '@syncline/core';
import { addDataFlags, validateDataFlags, type DataFlags } from './data-options';
import { addModelFlags, validateModelFlags, type ModelFlags } from './model-options';

export type StrategyName = 'mirrored' | 'multi-worker' | 'tpu';
export type BackendName = 'tfjs' | 'onnx' | 'pjrt';

export interface TrainOptions {
  readonly strategy: StrategyName;
  readonly replicas: number;
  readonly isolation: 'thread' | 'process';
  readonly backend: BackendName;
  readonly model: string;
  readonly data: string;
  readonly epochs: number;
  readonly globalBatch: number;
  readonly virtualEpochSize?: number;
  readonly stepsPerExecution: number;
  /** Intra-op threads per replica (default: cores / replicas, at least 1; see thread-budget.ts). */
  readonly threadsPerReplica?: number;
  readonly seed: number;
  readonly checkpointDir?: string;
  readonly logDir?: string;
  /** --log-dir: TensorBoard batch scalars every this many steps (0: epoch scalars only). */
  readonly logEvery: number;
  /** --log-dir: TensorBoard histograms of every weight tensor at each epoch end. */
  readonly histograms: boolean;
  readonly json: boolean;
  readonly timeoutMs: number;
  readonly trainLimit?: number;
  readonly exportWeights?: string;
  /** Directory for the trained model as a tfjs LayersModel (model.json + weights.bin). */
  readonly exportTfjs?: string;
  /** File for the trained model as an inference .onnx model. */
  readonly exportOnnx?: string;
  /** Process replicas only: replica r sees only GPU r (CUDA_VISIBLE_DEVICES=r). */
  readonly pinGpus: boolean;
  /** Shard the optimizer update across this machine's replicas (default true; mirrored only). */
  readonly shardUpdate: boolean;
  /** Whether --replicas was given (the TPU strategy otherwise uses every device). */
  readonly replicasGiven: boolean;
  /** PJRT plugin library for --strategy tpu (default: the cached XLA CPU plugin). */
  readonly pjrtPlugin?: string;
  /** Multi-worker: the file holding the ring's shared secret (checked by checkClusterSecrets). */
  readonly authTokenFile?: string;
  /** Multi-worker: mutual TLS on the ring, as PEM file paths (all three or none). */
  readonly tls?: TlsFiles;
  /** Bring-your-own data flags (data-options.ts); empty for the Fashion-MNIST IDX directory. */
  readonly dataFlags?: DataFlags;
  /** --loss / --metrics where the model spec sets none (model-options.ts). */
  readonly modelFlags?: ModelFlags;
  /** Write a Chrome trace / Perfetto JSON timeline of every step here (see train-profile.ts). */
  readonly profile?: string;
  /** Straggler report every this many steps; 0 turns it off. */
  readonly stragglerEvery: number;
  /** A rank slower than the others' median by more than this fraction counts as a straggler. */
  readonly stragglerThreshold: number;
  /** Replica agreement check also every this many steps (0: epoch ends and checkpoints only). */
  readonly checkReplicasEvery: number;
}

/** The PEM files of the ring's mutual TLS (`--tls-cert`, `--tls-key`, `--tls-ca`). */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
}

/** Each TLS flag, commander's key for it, and the TlsFiles field it sets. */
const TLS_FLAGS = [
  { flag: '--tls-cert', key: 'tlsCert', field: 'certFile' },
  { flag: '--tls-key', key: 'tlsKey', field: 'keyFile' },
  { flag: '--tls-ca', key: 'tlsCa', field: 'caFile' },
] as const;

export const DEFAULT_DATA_DIR = '/usr/share/datasets/fashion-mnist';
/** Steps between TensorBoard batch rows (Keras's update_freq). */
export const DEFAULT_LOG_EVERY = 100;

function int(name: string, min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got "${v}"`);
    return n;
  };
}

/** Adds the train flags to `cmd` (shared by `train` and the workers `launch` starts). */
export function addTrainFlags(cmd: Command): Command {
  return addModelFlags(addDataFlags(cmd))
    .addOption(new Option('--strategy <name>', 'distribution strategy').choices(['mirrored', 'multi-worker', 'tpu']).default('mirrored'))
    .option('--replicas <n>', 'replicas on this machine (default: one per core)', int('--replicas', 1))
    .addOption(new Option('--isolation <kind>', 'replicas as worker threads or child processes').choices(['thread', 'process']).default('thread'))
    .addOption(new Option('--backend <name>', 'compute backend').choices(['tfjs', 'onnx', 'pjrt']).default('onnx'))
    .option('--model <name>', 'mlp, cnn, or a path to a model spec JSON file', 'mlp')
    .option('--data <path|glob>', "Fashion-MNIST IDX directory (Debian's dataset-fashion-mnist), or TFRecord/CSV/JSONL/IDX files to stream", DEFAULT_DATA_DIR)
    .option('--epochs <n>', 'epochs to train', int('--epochs', 1), 5)
    .option('--global-batch <n>', 'global batch size, split across all replicas', int('--global-batch', 1), 64)
    .option('--virtual-epoch-size <n>', 'examples per (virtual) epoch; default one pass over the data', int('--virtual-epoch-size', 1))
    .option('--steps-per-execution <n>', 'steps per coordinator round trip', int('--steps-per-execution', 1), 1)
    .option('--threads-per-replica <n>', 'intra-op threads per replica (default: cores / replicas, at least 1)', int('--threads-per-replica', 1))
    .option('--seed <n>', 'seed for initialisation and shuffling', int('--seed', 0), 42)
    .option('--checkpoint-dir <dir>', 'BackupAndRestore directory: checkpoint every epoch, resume from the newest')
    .option('--log-dir <dir>', 'write metrics.jsonl, report.html, curves.png and TensorBoard events here')
    .option('--log-every <n>', 'with --log-dir: TensorBoard batch scalars every N steps (0: per epoch only)', int('--log-every', 0), DEFAULT_LOG_EVERY)
    .option('--histograms', 'with --log-dir: TensorBoard histograms of the weights at every epoch end', false)
    .option('--json', 'print one JSON object with the results as the last line', false)
    .option('--timeout-ms <n>', 'timeout of every collective operation', int('--timeout-ms', 1), 300_000)
    .option('--train-limit <n>', 'train on the first N training examples only', int('--train-limit', 1))
    .option('--export-weights <file>', 'write the final weights as safetensors (chief only)')
    .option('--export-onnx <file>', 'write the trained model as an inference .onnx file, x in, class probabilities out (chief only)')
    .option('--export-tfjs <dir>', 'write the trained model as a tfjs LayersModel, model.json + weights.bin (chief only; tf.loadLayersModel reads it)')
    .option('--pin-gpus', 'with --isolation process: replica r gets CUDA_VISIBLE_DEVICES=r', false)
    .option(
      '--no-shard-update',
      'every replica applies the whole optimizer update (default: each applies 1/N and they all-gather, where backend and communicator support it)',
    )
    .option('--pjrt-plugin <path>', 'PJRT plugin library for --strategy tpu (libtpu.so, xla_cuda_plugin.so; default: the XLA CPU plugin)')
    .option(
      '--auth-token-file <path>',
      "multi-worker: read the ring's shared secret from this file (instead of SYNCLINE_AUTH_TOKEN; never a token on the command line)",
    )
    .option('--tls-cert <path>', "multi-worker: this worker's certificate (PEM) for mutual TLS on the ring; with --tls-key and --tls-ca")
    .option('--tls-key <path>', 'multi-worker: the private key (PEM) of --tls-cert')
    .option('--tls-ca <path>', "multi-worker: the CA certificate (PEM) every worker's certificate must be signed by")
    .option('--profile <dir>', 'write a Chrome trace / Perfetto JSON of every step of every replica per worker, and trace.json merged by the chief')
    .option(
      '--check-replicas-every <n>',
      "also hash and compare every replica's weights and optimizer state every N steps (always at epoch ends and checkpoints; 0: only there)",
      int('--check-replicas-every', 0),
      0,
    )
    .option(
      '--straggler-every <n>',
      'report compute vs wait per rank and the slowest rank every N steps (0: off)',
      int('--straggler-every', 0),
      DEFAULT_STRAGGLER_EVERY,
    )
    .option(
      '--straggler-threshold <fraction>',
      'warn (once) about a rank persistently this much slower than the others',
      fraction('--straggler-threshold'),
      DEFAULT_STRAGGLER_THRESHOLD,
    );
}

function fraction(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number >= 0 (0.2 = 20% slower), got "${v}"`);
    return n;
  };
}

/** All three TLS flags or none, and only for the multi-worker ring. */
function tlsFiles(o: Record<string, unknown>, strategy: StrategyName): TlsFiles | undefined {
  const given = TLS_FLAGS.filter((t) => o[t.key] !== undefined);
  const first = given[0];
  if (first === undefined) return undefined;
  if (strategy !== 'multi-worker')
    throw new InvalidConfigError(first.flag, o[first.key], 'only with --strategy multi-worker (TLS secures the ring between workers)');
  const missing = TLS_FLAGS.filter((t) => o[t.key] === undefined);
  if (missing[0] !== undefined) {
    throw new InvalidConfigError(
      missing[0].flag,
      undefined,
      `a PEM file path, since ${given.map((t) => t.flag).join(' and ')} ${given.length > 1 ? 'were' : 'was'} given: ` +
        `mutual TLS needs --tls-cert, --tls-key and --tls-ca together (missing: ${missing.map((t) => t.flag).join(', ')})`,
    );
  }
  return { certFile: o.tlsCert as string, keyFile: o.tlsKey as string, caFile: o.tlsCa as string };
}

export function validateTrainOptions(raw: Record<string, unknown>): TrainOptions {
  const o = raw;
  const strategy = o.strategy as StrategyName;
  const backend = o.backend as BackendName;
  if (strategy === 'tpu' && backend !== 'pjrt') {
    throw new InvalidConfigError('--backend', backend, '"pjrt" with --strategy tpu (the TPU strategy compiles the whole step through PJRT)');
  }
  if (backend === 'pjrt' && strategy !== 'tpu') {
    throw new InvalidConfigError('--strategy', strategy, '"tpu" with --backend pjrt (PJRT runs compiled steps only)');
  }
  if (o.pjrtPlugin !== undefined && strategy !== 'tpu') {
    throw new InvalidConfigError('--pjrt-plugin', o.pjrtPlugin, 'only with --strategy tpu --backend pjrt');
  }
  if (strategy === 'tpu' && o.isolation === 'process') {
    throw new InvalidConfigError('--isolation', 'process', 'not with --strategy tpu (the PJRT devices run one compiled program)');
  }
  if (o.pinGpus && o.isolation !== 'process') {
    throw new InvalidConfigError('--pin-gpus', true, 'only with --isolation process (a thread cannot have its own CUDA_VISIBLE_DEVICES)');
  }
  if (o.authTokenFile !== undefined && strategy !== 'multi-worker') {
    throw new InvalidConfigError('--auth-token-file', o.authTokenFile, 'only with --strategy multi-worker (the token authenticates the ring between workers)');
  }
  const tls = tlsFiles(o, strategy);
  if (o.histograms && o.logDir === undefined) {
    throw new InvalidConfigError('--histograms', true, 'only with --log-dir (the histograms go into its TensorBoard runs)');
  }
  const replicas = (o.replicas as number | undefined) ?? availableParallelism();
  const globalBatch = o.globalBatch as number;
  if (strategy !== 'multi-worker' && replicas > globalBatch) {
    throw new InvalidConfigError('--replicas', replicas, `at most --global-batch (${globalBatch}): every replica needs at least one example per step`);
  }
  if (strategy !== 'multi-worker' && globalBatch % replicas !== 0) {
    throw new InvalidConfigError('--global-batch', globalBatch, `a multiple of --replicas (${replicas}), so every replica gets the same slice`);
  }
  return {
    strategy,
    replicas,
    isolation: o.isolation as 'thread' | 'process',
    backend,
    model: o.model as string,
    data: o.data as string,
    epochs: o.epochs as number,
    globalBatch,
    ...(o.virtualEpochSize !== undefined ? { virtualEpochSize: o.virtualEpochSize as number } : {}),
    stepsPerExecution: o.stepsPerExecution as number,
    ...(o.threadsPerReplica !== undefined ? { threadsPerReplica: o.threadsPerReplica as number } : {}),
    seed: o.seed as number,
    ...(o.checkpointDir !== undefined ? { checkpointDir: o.checkpointDir as string } : {}),
    ...(o.logDir !== undefined ? { logDir: o.logDir as string } : {}),
    logEvery: (o.logEvery as number | undefined) ?? DEFAULT_LOG_EVERY,
    histograms: Boolean(o.histograms),
    json: Boolean(o.json),
    timeoutMs: o.timeoutMs as number,
    ...(o.trainLimit !== undefined ? { trainLimit: o.trainLimit as number } : {}),
    ...(o.exportWeights !== undefined ? { exportWeights: o.exportWeights as string } : {}),
    ...(o.exportTfjs !== undefined ? { exportTfjs: o.exportTfjs as string } : {}),
    ...(o.exportOnnx !== undefined ? { exportOnnx: o.exportOnnx as string } : {}),
    pinGpus: Boolean(o.pinGpus),
    shardUpdate: o.shardUpdate !== false,
    replicasGiven: o.replicas !== undefined,
    ...(o.pjrtPlugin !== undefined ? { pjrtPlugin: o.pjrtPlugin as string } : {}),
    ...(o.authTokenFile !== undefined ? { authTokenFile: o.authTokenFile as string } : {}),
    ...(tls ? { tls } : {}),
    dataFlags: validateDataFlags(o),
    modelFlags: validateModelFlags(o),
    ...(o.profile !== undefined ? { profile: o.profile as string } : {}),
    stragglerEvery: (o.stragglerEvery as number | undefined) ?? DEFAULT_STRAGGLER_EVERY,
    checkReplicasEvery: (o.checkReplicasEvery as number | undefined) ?? 0,
    stragglerThreshold: (o.stragglerThreshold as number | undefined) ?? DEFAULT_STRAGGLER_THRESHOLD,
  };
}
