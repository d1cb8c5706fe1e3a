/**
 * Why: tfjs-node's binding keeps one process-wide std::set of op attribute names
 * (tfjs_binding.node, AssignOpAttr), and inserts every name the first time an op passes
 * it. Two replica threads inserting at once, or one inserting while another looks names
 * up, corrupt the set: `syncline train --backend tfjs --model cnn --replicas 2` ended in
 * SIGSEGV in AssignOpAttr (a core dump showed it) in about 1 of 6 short runs.
 *
 * So replicas on the native backend share a readers-writer lock over the binding: the
 * first call of each replica method in a thread (the only calls that can meet attribute
 * names the process has not seen: the same model runs the same ops on every replica) holds
 * it alone, every later call shares it. The lock lives in a SharedArrayBuffer that the
 * main thread puts in worker_threads' environment data when this module loads there, so
 * every replica thread started afterwards gets the same one. Building a replica holds it
 * alone too. Atomics.wait blocks only the waiting thread; no call waits on another thread
 * while it holds the lock. Replicas on wasm or cpu (one tfjs engine per thread, no shared
 * native state) do not take it.
 */
import { getEnvironmentData, isMainThread, setEnvironmentData } from 'node:worker_threads';

const KEY = 'syncline:tfjs-node-binding-lock';
/** state[0]: readers inside (>= 0), or -1 while a writer is. */
const WRITER = -1;

function sharedState(): Int32Array {
  let sab = getEnvironmentData(KEY) as SharedArrayBuffer | undefined;
  if (!(sab instanceof SharedArrayBuffer)) {
    sab = new SharedArrayBuffer(4);
    if (isMainThread) setEnvironmentData(KEY, sab);
  }
  return new Int32Array(sab);
}

const state = sharedState();

/** This thread's calls in flight under the lock, and whether it holds it alone. */
let held = 0;
let heldAlone = false;

/**
 * Takes the lock for one call. A call that starts while this thread already holds it (two
 * replica methods in flight at once) runs under what the thread holds: waiting would block
 * the very thread whose calls must finish to release it.
 */
function enter(exclusive: boolean): void {
  if (held++ > 0) return;
  heldAlone = exclusive;
  acquire(exclusive);
}

function leave(): void {
  if (--held === 0) release(heldAlone);
}

function acquire(exclusive: boolean): void {
  for (;;) {
    const s = Atomics.load(state, 0);
    if (exclusive ? s === 0 : s >= 0) {
      if (Atomics.compareExchange(state, 0, s, exclusive ? WRITER : s + 1) === s) return;
      continue;
    }
    Atomics.wait(state, 0, s, 50);
  }
}

function release(exclusive: boolean): void {
  if (exclusive) Atomics.store(state, 0, 0);
  else Atomics.sub(state, 0, 1);
  Atomics.notify(state, 0);
}

/** Runs `fn` holding the lock alone (building a replica: its variables and initial ops). */
export async function aloneWithBinding<T>(fn: () => Promise<T>): Promise<T> {
  enter(true);
  try {
    return await fn();
  } finally {
    leave();
  }
}

/**
 * `target` with every method call under the lock: the first call of each method name
 * alone, later ones shared. Methods returning promises hold the lock until they settle.
 */
export function underBindingLock<T extends object>(target: T): T {
  const seen = new Set<PropertyKey>();
  return new Proxy(target, {
    get(obj, key, receiver) {
      const value: unknown = Reflect.get(obj, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        enter(!seen.has(key));
        let result: unknown;
        try {
          result = (value as (...a: unknown[]) => unknown).apply(obj, args);
        } catch (e) {
          leave();
          throw e;
        }
        if (result instanceof Promise) {
          return result.then(
            (v) => {
              seen.add(key);
              leave();
              return v;
            },
            (e: unknown) => {
              leave();
              throw e;
            },
          );
        }
        seen.add(key);
        leave();
        return result;
      };
    },
  });
}
