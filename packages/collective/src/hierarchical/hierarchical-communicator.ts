/**
 * Hierarchical communicator for multi-worker jobs: ranks on one host share memory, and
 * one leader per host (local rank 0) joins a ring across hosts.
 * Global rank = hostIndex * localSize + localRank (every host has the same localSize).
 *
 * allReduce: 1. shared-memory allReduce inside the host (sum for mean);
 *            2. leaders allReduce the host results over the ring;
 *            3. the leader broadcasts the total to its host; 4. mean divides by the world size.
 * broadcast: the root's host broadcasts locally to its leader, leaders broadcast over the
 *            ring from the root's host, the other hosts broadcast locally from their leader.
 * allGather: local allGather, leaders allGather host blocks, leader broadcasts the result.
 * barrier:   local barrier, leader ring barrier, local barrier.
 */
import { InvalidConfigError, type CollectiveCallOptions, type Communicator, type ReduceOp } from '@syncline/core';

export interface HierarchicalOptions {
  /** This host's communicator over its local ranks (e.g. attachSharedMemory). */
  readonly local: Communicator;
  /** The ring among host leaders; required on local rank 0, ignored elsewhere. */
  readonly leaders?: Communicator;
  /** Index of this host, 0 <= hostIndex < hostCount (the leader's rank in `leaders`). */
  readonly hostIndex: number;
  readonly hostCount: number;
}

/**
 * Composes a host-local communicator and a leader ring into one world communicator.
 * Throws InvalidConfigError when a leader has no `leaders` communicator or the sizes disagree.
 * close() closes both underlying communicators.
 */
export function createHierarchicalCommunicator(o: HierarchicalOptions): Communicator {
  const src = { source: 'createHierarchicalCommunicator' };
  if (!Number.isInteger(o.hostCount) || o.hostCount < 1) throw new InvalidConfigError('hostCount', o.hostCount, 'an integer >= 1', src);
  if (!Number.isInteger(o.hostIndex) || o.hostIndex < 0 || o.hostIndex >= o.hostCount)
    throw new InvalidConfigError('hostIndex', o.hostIndex, `an integer in 0..${o.hostCount - 1}`, src);
  if (o.local.rank === 0) {
    if (!o.leaders) throw new InvalidConfigError('leaders', undefined, 'the leader ring communicator (local rank 0 leads its host)', src);
    if (o.leaders.size !== o.hostCount || o.leaders.rank !== o.hostIndex)
      throw new InvalidConfigError(
        'leaders',
        `rank ${o.leaders.rank} of ${o.leaders.size}`,
        `rank ${o.hostIndex} of ${o.hostCount} (hostIndex of hostCount)`,
        src,
      );
  }
  return new HierarchicalCommunicator(o);
}

class HierarchicalCommunicator implements Communicator {
  readonly name = 'hierarchical';
  readonly rank: number;
  readonly size: number;
  readonly timeoutMs: number;
  readonly #local: Communicator;
  readonly #leaders: Communicator | undefined;
  readonly #host: number;
  readonly #k: number;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(o: HierarchicalOptions) {
    this.#local = o.local;
    this.#leaders = o.local.rank === 0 ? o.leaders : undefined;
    this.#host = o.hostIndex;
    this.#k = o.local.size;
    this.rank = o.hostIndex * o.local.size + o.local.rank;
    this.size = o.hostCount * o.local.size;
    this.timeoutMs = Math.max(o.local.timeoutMs, o.leaders?.timeoutMs ?? 0);
  }

  /** Composite ops run one at a time so their sub-ops interleave identically on every rank. */
  #serial<T>(body: () => Promise<T>): Promise<T> {
    const p = this.#tail.then(body, body);
    this.#tail = p.catch(() => undefined);
    return p;
  }

  async allReduce(buf: Float32Array, op: ReduceOp, options?: CollectiveCallOptions): Promise<Float32Array> {
    return this.#serial(() => this.#allReduce(buf, op, options));
  }

  async broadcast(buf: Float32Array, root: number, options?: CollectiveCallOptions): Promise<Float32Array> {
    return this.#serial(() => this.#broadcast(buf, root, options));
  }

  async allGather(buf: Float32Array, options?: CollectiveCallOptions): Promise<Float32Array> {
    return this.#serial(() => this.#allGather(buf, options));
  }

  async barrier(options?: CollectiveCallOptions): Promise<void> {
    return this.#serial(() => this.#barrier(options));
  }

  /** A registered buffer of the host's shared-memory group (its allReduce step then copies nothing), if it has one. */
  allocate(length: number): Float32Array | undefined {
    return this.#local.allocate?.(length);
  }

  async #allReduce(buf: Float32Array, op: ReduceOp, options?: CollectiveCallOptions): Promise<Float32Array> {
    const inner: ReduceOp = op === 'max' ? 'max' : 'sum';
    await this.#local.allReduce(buf, inner, options);
    if (this.#leaders) await this.#leaders.allReduce(buf, inner, options);
    await this.#local.broadcast(buf, 0, options);
    if (op === 'mean') for (let i = 0; i < buf.length; i++) buf[i] = buf[i]! / this.size;
    return buf;
  }

  async #broadcast(buf: Float32Array, root: number, options?: CollectiveCallOptions): Promise<Float32Array> {
    if (!Number.isInteger(root) || root < 0 || root >= this.size)
      throw new InvalidConfigError('root', root, `a rank in 0..${this.size - 1}`, { source: 'broadcast' });
    const rootHost = Math.floor(root / this.#k);
    if (rootHost === this.#host) await this.#local.broadcast(buf, root % this.#k, options);
    if (this.#leaders) await this.#leaders.broadcast(buf, rootHost, options);
    if (rootHost !== this.#host) await this.#local.broadcast(buf, 0, options);
    return buf;
  }

  async #allGather(buf: Float32Array, options?: CollectiveCallOptions): Promise<Float32Array> {
    const hostBlock = await this.#local.allGather(buf, options);
    const out = new Float32Array(buf.length * this.size);
    if (this.#leaders) out.set(await this.#leaders.allGather(hostBlock, options));
    await this.#local.broadcast(out, 0, options);
    return out;
  }

  async #barrier(options?: CollectiveCallOptions): Promise<void> {
    await this.#local.barrier(options);
    if (this.#leaders) await this.#leaders.barrier(options);
    await this.#local.barrier(options);
  }

  async close(): Promise<void> {
    await this.#tail;
    await Promise.all([this.#local.close(), this.#leaders?.close()]);
  }
}
