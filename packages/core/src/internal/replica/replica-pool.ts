/**
 * The coordinator's handle on N replicas, each a worker thread or a child process
 * running replica-worker. Requests are numbered; each rank processes its own in order.
 * A replica that dies, exits or stops answering fails every pending request with an
 * error naming its rank, so a strategy never hangs on a lost replica.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import type { PluginRef } from '../../contracts/plugin-ref';
import type { WeightLayout } from '../../contracts/weight-layout';
import { CollectiveTimeoutError } from '../../errors/collective-timeout-error';
import { SynclineError, type SynclineErrorCode } from '../../errors/syncline-error';
import { WorkerLostError } from '../../errors/worker-lost-error';
import type { ModelSpec } from '../../spec/model-spec';
import type { InitMessage, Reply, Request, RequestBody, SerializedError, WeightUpdateMode, GradientBufferKind } from './replica-messages';
import { siblingModule } from './sibling-module';

/** Extra time a request may take beyond the collective timeout before the replica counts as lost. */
const REQUEST_GRACE_MS = 30_000;

export type Isolation = 'thread' | 'process';

export interface ReplicaPoolOptions {
  readonly replicas: number;
  readonly isolation: Isolation;
  readonly backend: PluginRef;
  readonly communicator: PluginRef;
  /** Descriptor from the communicator provider's prepareGroup. */
  readonly group: unknown;
  readonly spec: ModelSpec;
  readonly seed: number;
  readonly timeoutMs: number;
  /** Shared batch slots per replica (thread isolation). */
  readonly slotBuffers?: readonly SharedArrayBuffer[];
  readonly slotCount?: number;
  readonly maxExamples?: number;
  /** Extra environment per replica (process isolation), e.g. CUDA_VISIBLE_DEVICES. */
  readonly envFor?: (rank: number) => Record<string, string>;
  /** Ask the replicas to shard the optimizer update (all ranks must be this pool's). */
  readonly shardWeightUpdate?: boolean;
  /** Settings every rank of a multi-worker group must share, checked at rendezvous. */
  readonly agreement?: Readonly<Record<string, string>>;
}

interface Endpoint {
  send(msg: InitMessage | Request, transfer?: ArrayBuffer[]): void;
  kill(): Promise<void>;
}

export interface ReadyInfo {
  readonly backend: string;
  readonly communicator: string;
  readonly weights: number;
  readonly weightUpdate: WeightUpdateMode;
  readonly gradientBuffer: GradientBufferKind;
  /** The replica program's weight layout (a model of the user's own, not the spec's layers, may define it). */
  readonly layout: WeightLayout;
}

/** Where the replica entry lives: the .ts source under jest/tsx, the built .js otherwise. */
export function replicaWorkerEntry(): { file: string; execArgv: string[] } {
  const file = siblingModule(__dirname, 'replica-worker', 'internal/replica', '@syncline/core');
  // '--import tsx' is ignored in worker threads on Node 20; tsx's CommonJS hook works in both.
  return { file, execArgv: file.endsWith('.ts') ? ['--require', 'tsx/cjs'] : [] };
}

export class ReplicaPool {
  readonly #endpoints: Endpoint[] = [];
  readonly #pending = new Map<number, { rank: number; op: string; resolve: (v: unknown) => void; reject: (e: unknown) => void; timer: NodeJS.Timeout }>();
  #nextId = 1;
  #dead: SynclineError | undefined;
  readonly ready: ReadyInfo[] = [];

  private constructor(readonly options: ReplicaPoolOptions) {}

  static async start(options: ReplicaPoolOptions): Promise<ReplicaPool> {
    const pool = new ReplicaPool(options);
    const readies = Array.from({ length: options.replicas }, (_, rank) => pool.#spawn(rank));
    try {
      const infos = await Promise.all(readies);
      pool.ready.push(...infos);
      return pool;
    } catch (e) {
      await pool.close(true);
      throw e;
    }
  }

  #spawn(rank: number): Promise<ReadyInfo> {
    const o = this.options;
    const entry = replicaWorkerEntry();
    return new Promise<ReadyInfo>((resolve, reject) => {
      let ready = false;
      const onMessage = (m: Reply): void => {
        if (m.type === 'ready') {
          ready = true;
          resolve({
            backend: m.backend,
            communicator: m.communicator,
            weights: m.weights,
            weightUpdate: m.weightUpdate,
            gradientBuffer: m.gradientBuffer,
            layout: m.layout,
          });
        } else if (m.type === 'fatal') {
          const err = remoteError(rank, m.error);
          if (!ready) reject(err);
          else this.#fail(err);
        } else this.#settle(m);
      };
      const onExit = (code: number | null, signal?: string | null): void => {
        const err = new WorkerLostError(rank, undefined, undefined, undefined, `replica exited (${signal ?? `code ${code}`})`);
        if (!ready) reject(err);
        this.#fail(err);
      };
      let endpoint: Endpoint;
      if (o.isolation === 'thread') {
        // this process's environment as the caller sees it (explicit: under jest that is the test's own process.env)
        const w = new Worker(entry.file, { execArgv: entry.execArgv, env: process.env });
        w.on('message', onMessage);
        w.on('error', (e) => onExit(null, `error: ${e.message}`));
        w.on('exit', (code) => onExit(code));
        endpoint = { send: (msg, transfer) => w.postMessage(msg, transfer ?? []), kill: async () => void (await w.terminate()) };
      } else {
        const child: ChildProcess = fork(entry.file, [], {
          execArgv: entry.execArgv,
          serialization: 'advanced',
          env: { ...process.env, ...(o.envFor?.(rank) ?? {}) },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        child.on('message', (m) => onMessage(m as Reply));
        child.on('exit', (code, signal) => onExit(code, signal));
        endpoint = {
          send: (msg) => child.send(msg),
          kill: async () => {
            if (child.exitCode === null && child.signalCode === null) {
              const gone = new Promise((r) => child.once('exit', r));
              child.kill('SIGKILL');
              await gone;
            }
          },
        };
      }
      this.#endpoints[rank] = endpoint;
      const slots = o.slotBuffers?.[rank];
      endpoint.send({
        type: 'init',
        rank,
        size: o.replicas,
        spec: o.spec,
        seed: o.seed,
        backend: o.backend,
        communicator: o.communicator,
        group: o.group,
        timeoutMs: o.timeoutMs,
        ...(o.shardWeightUpdate ? { shardWeightUpdate: true } : {}),
        ...(o.agreement ? { agreement: o.agreement } : {}),
        ...(slots ? { slots: { buffer: slots, count: o.slotCount!, maxExamples: o.maxExamples! } } : {}),
      });
    });
  }

  #settle(m: Reply): void {
    if (m.type !== 'result' && m.type !== 'error') return;
    const p = this.#pending.get(m.id);
    if (!p) return;
    this.#pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.type === 'result') p.resolve(m.value);
    else p.reject(remoteError(p.rank, m.error));
  }

  #fail(err: SynclineError): void {
    this.#dead ??= err;
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id);
      clearTimeout(p.timer);
      p.reject(err);
    }
  }

  /** Sends one request to `rank`; rejects if the replica fails, dies or exceeds the timeout. */
  request<T>(rank: number, req: RequestBody, transfer?: ArrayBuffer[]): Promise<T> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const limit = this.options.timeoutMs + REQUEST_GRACE_MS;
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        const err = new CollectiveTimeoutError(`replica request "${req.type}"`, id, limit, [rank]);
        reject(err);
        this.#fail(err);
      }, limit);
      this.#pending.set(id, { rank, op: req.type, resolve: resolve as (v: unknown) => void, reject, timer });
      this.#endpoints[rank]!.send({ ...req, id } as Request, transfer);
    });
  }

  /** The same kind of request to every rank at once (built per rank); resolves in rank order. */
  all<T>(make: (rank: number) => RequestBody): Promise<T[]> {
    return Promise.all(this.#endpoints.map((_, rank) => this.request<T>(rank, make(rank))));
  }

  get size(): number {
    return this.options.replicas;
  }

  /** Asks every replica to close (unless `force`), then stops them. Idempotent. */
  async close(force = false): Promise<void> {
    if (!force && !this.#dead && this.#endpoints.length === this.options.replicas) {
      await Promise.race([this.all(() => ({ type: 'close' })).catch(() => undefined), new Promise((r) => setTimeout(r, 5_000).unref())]);
    }
    this.#dead ??= new SynclineError('CONTRACT_VIOLATION', 'replica pool is closed');
    this.#fail(this.#dead);
    await Promise.all(this.#endpoints.map((e) => e?.kill().catch(() => undefined)));
  }
}

function remoteError(rank: number, e: SerializedError): SynclineError {
  const err = new SynclineError((e.code as SynclineErrorCode) ?? 'BACKEND_ERROR', `replica ${rank}: ${e.message}`, {
    retryable: e.retryable ?? false,
  });
  Object.defineProperty(err, 'name', { value: e.name });
  if (e.stack) err.stack = `${err.name}: ${err.message}\n(remote stack)\n${e.stack}`;
  return err;
}
