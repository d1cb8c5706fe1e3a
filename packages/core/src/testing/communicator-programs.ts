/**
 * Conformance "programs" for Communicator implementations: plain data (structured-clone
 * safe) that describes a sequence of collective ops, so a group whose ranks live in
 * worker_threads or child processes can run them. Each rank builds its inputs with
 * `conformanceInput`, runs the program with `runConformanceProgram` and hands back the
 * outputs; `expectedOutput` says what every rank must have produced.
 */
import { shardRange, type Communicator, type ReduceOp } from '../contracts/communicator';

/** One collective op of a conformance program. `seed` varies the input values. */
export type ConformanceOp =
  | { readonly kind: 'allReduce'; readonly op: ReduceOp; readonly length: number; readonly seed: number; readonly registered?: Registered }
  | { readonly kind: 'broadcast'; readonly root: number; readonly length: number; readonly seed: number }
  | { readonly kind: 'allGather'; readonly length: number; readonly seed: number }
  | { readonly kind: 'barrier' }
  /**
   * reduceScatter then allGatherShards: everything outside this rank's shardRange is set
   * to NaN between the two, so the output equals allReduce's only if reduceScatter left
   * the reduction in the rank's own range and allGatherShards filled every other range.
   */
  | { readonly kind: 'shardedAllReduce'; readonly op: ReduceOp; readonly length: number; readonly seed: number; readonly registered?: Registered };

/**
 * Which ranks pass a registered buffer (Communicator.allocate) instead of a plain array:
 * all of them, or only the even ranks (so a copy-free path must notice the others).
 */
export type Registered = 'all' | 'even';

/**
 * Floats of registered space a rank needs for the conformance suite's registered case: the
 * large length plus 16, as arrays start 16 floats into the allocation (not at its start).
 */
export const CONFORMANCE_REGISTERED_FLOATS = 2 ** 20 + 3 + 16;
const registeredPools = new WeakMap<Communicator, Float32Array>();

/** `input` in one of the rank's registered buffers (one per communicator, reused by every op). */
function registeredCopy(comm: Communicator, input: Float32Array): Float32Array {
  let pool = registeredPools.get(comm);
  if (!pool) {
    pool = comm.allocate?.(CONFORMANCE_REGISTERED_FLOATS);
    if (!pool) throw new Error(`${comm.name} rank ${comm.rank} could not allocate ${CONFORMANCE_REGISTERED_FLOATS} registered floats`);
    registeredPools.set(comm, pool);
  }
  const view = pool.subarray(16, 16 + input.length);
  view.set(input);
  return view;
}

/**
 * A sequence of ops. With `concurrent`, every op is issued before the first is awaited
 * (checks that ops queue and complete in issue order); otherwise each is awaited in turn.
 */
export interface ConformanceProgram {
  readonly ops: readonly ConformanceOp[];
  readonly concurrent?: boolean;
}

/** Outputs of one rank: one Float32Array per op (empty for barrier). */
export type ConformanceRankResult = Float32Array[];

/** Values are small integers so sums over <= 64 ranks are exact in float32. */
const VALUE_RANGE = 23;
const SQUARES_MOD_5 = [0, 1, 4, 4, 1];

/**
 * The input rank `rank` feeds to `op` (integer-valued floats in [-11, 11]). Deterministic:
 * every rank and the checker compute the same values.
 */
export function conformanceInput(op: ConformanceOp, rank: number): Float32Array {
  if (op.kind === 'barrier') return new Float32Array(0);
  const out = new Float32Array(op.length);
  // value(i) = ((base + 13 i + (i^2 mod 5)) mod 23) - 11, computed incrementally (fast for 2^20 floats)
  let a = (op.seed * 31 + rank * 7) % VALUE_RANGE;
  for (let i = 0; i < out.length; i++) {
    let v = a + SQUARES_MOD_5[i % 5]!;
    if (v >= VALUE_RANGE) v -= VALUE_RANGE;
    out[i] = v - 11;
    a += 13;
    if (a >= VALUE_RANGE) a -= VALUE_RANGE;
  }
  return out;
}

/** What every rank must hold after `op` in a group of `size` ranks. */
export function expectedOutput(op: ConformanceOp, size: number): Float32Array {
  switch (op.kind) {
    case 'barrier':
      return new Float32Array(0);
    case 'broadcast':
      return conformanceInput(op, op.root);
    case 'allGather': {
      const out = new Float32Array(op.length * size);
      for (let r = 0; r < size; r++) out.set(conformanceInput(op, r), r * op.length);
      return out;
    }
    case 'allReduce':
    case 'shardedAllReduce': {
      const out = conformanceInput(op, 0);
      for (let r = 1; r < size; r++) {
        const x = conformanceInput(op, r);
        // a comparison, not Math.max: under jest's vm context Math.max over 2^20 floats took seconds (inputs have no NaN)
        if (op.op === 'max')
          for (let i = 0; i < out.length; i++) {
            const v = x[i]!;
            if (v > out[i]!) out[i] = v;
          }
        else for (let i = 0; i < out.length; i++) out[i]! += x[i]!;
      }
      if (op.op === 'mean') for (let i = 0; i < out.length; i++) out[i] = out[i]! / size;
      return out;
    }
  }
}

async function runOne(comm: Communicator, op: ConformanceOp): Promise<Float32Array> {
  if (op.kind === 'barrier') {
    await comm.barrier();
    return new Float32Array(0);
  }
  const input = conformanceInput(op, comm.rank);
  const registered = 'registered' in op && (op.registered === 'all' || (op.registered === 'even' && comm.rank % 2 === 0));
  const buf = registered ? registeredCopy(comm, input) : input;
  if (op.kind === 'allGather') return comm.allGather(buf);
  // a registered buffer is reused by the next op: hand back a copy
  if (op.kind === 'shardedAllReduce') return shardedAllReduce(comm, buf, op.op).then((out) => (registered ? out.slice() : out));
  const out = op.kind === 'allReduce' ? await comm.allReduce(buf, op.op) : await comm.broadcast(buf, op.root);
  if (out !== buf) throw new Error(`${op.kind} on rank ${comm.rank} resolved with a new array; it must work in place`);
  return registered ? out.slice() : out;
}

async function shardedAllReduce(comm: Communicator, buf: Float32Array, op: ReduceOp): Promise<Float32Array> {
  if (!comm.reduceScatter || !comm.allGatherShards) throw new Error(`${comm.name} has no reduceScatter/allGatherShards`);
  if ((await comm.reduceScatter(buf, op)) !== buf) throw new Error(`reduceScatter on rank ${comm.rank} resolved with a new array; it must work in place`);
  const [start, end] = shardRange(buf.length, comm.size, comm.rank);
  buf.fill(NaN, 0, start);
  buf.fill(NaN, end);
  if ((await comm.allGatherShards(buf)) !== buf) throw new Error(`allGatherShards on rank ${comm.rank} resolved with a new array; it must work in place`);
  return buf;
}

/**
 * Runs `program` on one rank and returns its outputs, one per op. Call it on every rank
 * of the group at the same time (in worker threads, child processes or one event loop).
 */
export async function runConformanceProgram(comm: Communicator, program: ConformanceProgram): Promise<ConformanceRankResult> {
  if (program.concurrent) return Promise.all(program.ops.map((op) => runOne(comm, op)));
  const out: Float32Array[] = [];
  for (const op of program.ops) out.push(await runOne(comm, op));
  return out;
}

/** A group of `size` ranks able to run conformance programs on every rank at once. */
export interface CommunicatorGroup {
  readonly size: number;
  /** Runs `program` on every rank; resolves with each rank's outputs, indexed by rank. */
  run(program: ConformanceProgram): Promise<ConformanceRankResult[]>;
  /** Closes every rank's communicator and ends its threads or processes. */
  close(): Promise<void>;
}

/** Builds a group of `size` ranks (threads, processes or one event loop, as the implementation needs). */
export type CommunicatorGroupFactory = (size: number) => Promise<CommunicatorGroup>;

/**
 * A CommunicatorGroup over communicators that all live in this event loop (e.g. socket
 * rings between local ranks); `comms[r].rank` must be r.
 */
export function inProcessCommunicatorGroup(comms: readonly Communicator[]): CommunicatorGroup {
  return {
    size: comms.length,
    run: (program) => Promise.all(comms.map((c) => runConformanceProgram(c, program))),
    close: async () => {
      await Promise.all(comms.map((c) => c.close()));
    },
  };
}
