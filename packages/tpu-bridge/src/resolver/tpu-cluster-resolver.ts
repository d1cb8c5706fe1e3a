/**
 * TPUClusterResolver: where this process sits in a Cloud TPU slice and which PJRT plugin
 * drives its chips.
 *
 * 1. Each fact comes from the first source that has it: explicit options, then the TPU
 *    VM environment (TPU_ACCELERATOR_TYPE, TPU_WORKER_ID, TPU_WORKER_HOSTNAMES,
 *    TPU_CHIPS_PER_HOST_BOUNDS, TPU_HOST_BOUNDS), then the GCE metadata server
 *    (accelerator-type, agent-worker-number, worker-network-endpoints, tpu-env).
 * 2. The metadata server is asked only when the accelerator type is still unknown, with
 *    a short timeout; off a TPU VM the answer is a clear error, not a hang.
 * 3. The topology is built and cross-checked (bounds vs chips, hostnames vs hosts).
 * 4. The plugin path: options.pluginPath, TPU_LIBRARY_PATH, PJRT_PLUGIN_LIBRARY_PATH.
 */
import type { ClusterResolver, ClusterSpec, TaskType } from '@syncline/core';
import { BackendError, InvalidConfigError } from '@syncline/core';
import { parseAcceleratorType } from './accelerator-type';
import { parseBounds, parseTpuEnv, parseWorkerEndpoints } from './bounds';
import { getInstanceAttribute, DEFAULT_METADATA_HOST, type MetadataOptions } from './metadata-client';
import { buildTopology, type Bounds, type TpuTopology } from './topology';

/** TensorFlow's TPU worker port, used for the addresses this resolver reports. */
export const DEFAULT_TPU_WORKER_PORT = 8470;

export interface TPUClusterResolverOptions {
  /** TPU name; default TPU_NAME, else "local". Only the local VM's TPU can be resolved. */
  readonly tpu?: string;
  readonly acceleratorType?: string;
  readonly workerId?: number;
  readonly workerHostnames?: readonly string[];
  readonly chipsPerHostBounds?: Bounds | string;
  readonly hostBounds?: Bounds | string;
  /** Explicit PJRT plugin (libtpu.so), taking precedence over the environment. */
  readonly pluginPath?: string;
  readonly port?: number;
  /** Environment to read; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Metadata server options, or false to never query it. Host default: GCE_METADATA_HOST or metadata.google.internal. */
  readonly metadata?: MetadataOptions | false;
}

type Facts = { acceleratorType?: string; workerId?: number; hostnames?: string[]; cph?: Bounds; hb?: Bounds };

const asBounds = (field: string, v: Bounds | string | undefined): Bounds | undefined =>
  v === undefined ? undefined : typeof v === 'string' ? parseBounds(field, v) : v;

function fromEnv(env: NodeJS.ProcessEnv): Facts {
  const id = env.TPU_WORKER_ID;
  if (id !== undefined && !/^\d+$/.test(id)) {
    throw new InvalidConfigError('TPU_WORKER_ID', id, 'a non-negative integer', { source: 'environment' });
  }
  return {
    acceleratorType: env.TPU_ACCELERATOR_TYPE || undefined,
    workerId: id === undefined ? undefined : Number(id),
    hostnames: env.TPU_WORKER_HOSTNAMES
      ? env.TPU_WORKER_HOSTNAMES.split(',')
          .map((h) => h.trim())
          .filter(Boolean)
      : undefined,
    cph: env.TPU_CHIPS_PER_HOST_BOUNDS ? parseBounds('TPU_CHIPS_PER_HOST_BOUNDS', env.TPU_CHIPS_PER_HOST_BOUNDS) : undefined,
    hb: env.TPU_HOST_BOUNDS ? parseBounds('TPU_HOST_BOUNDS', env.TPU_HOST_BOUNDS) : undefined,
  };
}

async function fromMetadata(options: MetadataOptions): Promise<Facts> {
  const type = await getInstanceAttribute('accelerator-type', options);
  if (!type.ok) {
    throw new BackendError(
      'tpu',
      `not on a Cloud TPU VM: no TPU_ACCELERATOR_TYPE in the environment, and the GCE metadata server (${options.host}) gave no ` +
        `accelerator-type (${type.reason}). Run on a TPU VM, or pass acceleratorType (and workerId, workerHostnames) explicitly`,
      { detailCode: 'NOT_ON_TPU' },
    );
  }
  const [worker, endpoints, tpuEnv] = await Promise.all(
    ['agent-worker-number', 'worker-network-endpoints', 'tpu-env'].map((k) => getInstanceAttribute(k, options)),
  );
  const envAttr = tpuEnv?.ok ? parseTpuEnv(tpuEnv.value) : {};
  return {
    acceleratorType: type.value.trim(),
    workerId: worker?.ok && /^\d+$/.test(worker.value.trim()) ? Number(worker.value.trim()) : undefined,
    hostnames: endpoints?.ok ? parseWorkerEndpoints(endpoints.value) : undefined,
    cph: envAttr.CHIPS_PER_HOST_BOUNDS ? parseBounds('tpu-env CHIPS_PER_HOST_BOUNDS', envAttr.CHIPS_PER_HOST_BOUNDS) : undefined,
    hb: envAttr.HOST_BOUNDS ? parseBounds('tpu-env HOST_BOUNDS', envAttr.HOST_BOUNDS) : undefined,
  };
}

export class TPUClusterResolver implements ClusterResolver {
  readonly name = 'tpu';
  readonly taskType: TaskType = 'worker';
  readonly isEvaluator = false;
  readonly rankAddresses: readonly string[];

  private constructor(
    readonly tpu: string,
    readonly topology: TpuTopology,
    readonly taskIndex: number,
    readonly workerHostnames: readonly string[],
    readonly pluginPath: string | null,
    port: number,
  ) {
    this.rankAddresses = workerHostnames.map((h) => `${h}:${port}`);
  }

  /** Resolves from options, the environment and (if needed) the metadata server; see the file comment. */
  static async resolve(options: TPUClusterResolverOptions = {}): Promise<TPUClusterResolver> {
    const env = options.env ?? process.env;
    const explicit: Facts = {
      acceleratorType: options.acceleratorType,
      workerId: options.workerId,
      hostnames: options.workerHostnames ? [...options.workerHostnames] : undefined,
      cph: asBounds('chipsPerHostBounds', options.chipsPerHostBounds),
      hb: asBounds('hostBounds', options.hostBounds),
    };
    const sources: Facts[] = [explicit, fromEnv(env)];
    if (!explicit.acceleratorType && !sources[1]!.acceleratorType) {
      if (options.metadata === false) {
        throw new BackendError(
          'tpu',
          'not on a Cloud TPU VM: no acceleratorType option and no TPU_ACCELERATOR_TYPE in the environment (metadata lookup disabled)',
          { detailCode: 'NOT_ON_TPU' },
        );
      }
      sources.push(await fromMetadata({ host: env.GCE_METADATA_HOST ?? DEFAULT_METADATA_HOST, ...(options.metadata ?? {}) }));
    }
    const pick = <K extends keyof Facts>(k: K): Facts[K] => sources.find((s) => s[k] !== undefined)?.[k];
    const type = parseAcceleratorType(pick('acceleratorType')!);
    const topology = buildTopology(type, pick('cph'), pick('hb'));
    const workerId = pick('workerId') ?? 0;
    const hostnames = pick('hostnames') ?? (topology.hosts === 1 ? ['localhost'] : undefined);
    if (!hostnames || hostnames.length !== topology.hosts) {
      throw new InvalidConfigError('workerHostnames', hostnames ?? null, `${topology.hosts} hostnames, one per host of ${type.name}`, {
        source: 'TPUClusterResolver (TPU_WORKER_HOSTNAMES)',
      });
    }
    if (workerId >= topology.hosts) {
      throw new InvalidConfigError('workerId', workerId, `an index below the ${topology.hosts} hosts of ${type.name}`, {
        source: 'TPUClusterResolver (TPU_WORKER_ID)',
      });
    }
    const pluginPath = options.pluginPath ?? (env.TPU_LIBRARY_PATH || env.PJRT_PLUGIN_LIBRARY_PATH || null);
    return new TPUClusterResolver(options.tpu ?? env.TPU_NAME ?? 'local', topology, workerId, hostnames, pluginPath, options.port ?? DEFAULT_TPU_WORKER_PORT);
  }

  get rank(): number {
    return this.taskIndex;
  }
  get worldSize(): number {
    return this.topology.hosts;
  }
  get isChief(): boolean {
    return this.taskIndex === 0;
  }
  /**
   * PJRT devices this host drives (the replicas of a TPUStrategy here): one per core on
   * v2/v3, one per chip on v4/v5p (megacore) and on single-core v5e/v6e.
   */
  get localDevices(): number {
    const perChip = this.topology.generation === 'v2' || this.topology.generation === 'v3' ? this.topology.coresPerChip : 1;
    return this.topology.chipsPerHost * perChip;
  }

  clusterSpec(): ClusterSpec {
    return { worker: this.rankAddresses };
  }

  /** The PJRT plugin to load, or a clear error naming where it was looked for. */
  requirePluginPath(): string {
    if (this.pluginPath) return this.pluginPath;
    throw new InvalidConfigError('pluginPath', null, 'a libtpu.so path: pass pluginPath, or set TPU_LIBRARY_PATH or PJRT_PLUGIN_LIBRARY_PATH', {
      source: 'TPUClusterResolver',
    });
  }
}
