/**
 * kill -9 of the chief while it writes a checkpoint never leaves a corrupt newest
 * checkpoint. Two workers (built CLI, loopback) train a model whose checkpoints are
 * ~5 MB (weights + adam slots) with a checkpoint every two steps; each round the test
 * watches the directory (inotify), and when the chief creates its temp directory for
 * the n-th write it kills the chief after a random few milliseconds. After every kill:
 * every ckpt-* directory verifies with CheckpointStore (checksum, tensors), the newest
 * one is what `latest()` returns, and nothing else but `.tmp-*` (interrupted write) or
 * `.trash-*` (interrupted prune of an old checkpoint) leftovers and the killed chief's
 * `.syncline.lock` (its flock died with it) is there.
 * A final run resumes from the newest checkpoint and finishes; it removes only its own
 * leftovers (the killed runs' are never another run's to delete) and its lock file.
 */
import { mkdirSync, readdirSync, watch } from 'node:fs';
import { join } from 'node:path';
import { CheckpointStore } from '@syncline/core';
import { errorLine, finishOk, killAll, loopbackAddresses, requireBuiltCli, sleep, startWorkers, tempDir, writeSpec, type Proc } from './cluster-helpers';

const TOKEN = 'ckpt-kill-token';
const HIDDEN_UNITS = 512; // 784*512 + 512*10 weights: ~1.6 MB, ~5 MB with adam's two slots
const GLOBAL_BATCH = 32;
const STEPS_PER_EPOCH = 2;
const EPOCHS = 14; // > 2 epochs per round x KILL_ROUNDS, so no round can finish training
const KILL_ROUNDS = 5;
const KILL_JITTER_MS = 25; // spread over the write: some kills land mid-write, some after the rename
const TMP_PREFIX = '.tmp-ckpt-';

/**
 * Resolves when the n-th new temp checkpoint directory appears in `dir` (leftovers of
 * earlier rounds, whose removal also raises events, do not count).
 */
function nthTempDir(dir: string, n: number, before: ReadonlySet<string>, procs: readonly Proc[]): Promise<string> {
  const seen = new Set<string>();
  return new Promise((resolve, reject) => {
    const w = watch(dir, (_event, name) => {
      if (!name || !name.startsWith(TMP_PREFIX) || before.has(name) || seen.has(name)) return;
      seen.add(name);
      if (seen.size === n) {
        w.close();
        resolve(name);
      }
    });
    // A worker that dies before then fails the round (with its error).
    for (const p of procs) {
      void p.exited.then((e) => {
        w.close();
        reject(new Error(`${p.label} exited ${e.code ?? e.signal} before checkpoint write ${n}: ${errorLine(p)}`));
      });
    }
  });
}

/** Every entry is a verifying ckpt-* or a .tmp-* / .trash-* leftover; returns the leftovers and the newest. */
function verifyDir(dir: string): { leftovers: string[]; newest: string | undefined } {
  const store = new CheckpointStore(dir, () => undefined);
  const leftovers: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.tmp-') || name.startsWith('.trash-'))
      leftovers.push(name); // an interrupted write or prune
    else if (name === '.syncline.lock')
      continue; // left by a killed chief; the kernel released its lock
    else if (/^ckpt-\d{6}-\d{9}$/.test(name)) expect(() => store.read(join(dir, name))).not.toThrow();
    else throw new Error(`unexpected entry ${name} in ${dir}`);
  }
  const newest = store.list()[0];
  if (newest) expect(store.latest()?.dir).toBe(newest);
  return { leftovers, newest };
}

describe('kill -9 during checkpoint writes (built CLI, 2 workers)', () => {
  beforeAll(() => requireBuiltCli());
  afterEach(killAll);

  it(`the newest checkpoint is never corrupt after ${KILL_ROUNDS} kills of the chief mid-write`, async () => {
    const dir = tempDir('ckpt-kill9');
    const ckpt = join(dir, 'ckpt');
    mkdirSync(ckpt);
    const args = [
      '--model',
      writeSpec(dir, HIDDEN_UNITS),
      '--seed',
      '3',
      '--global-batch',
      String(GLOBAL_BATCH),
      '--epochs',
      String(EPOCHS),
      '--virtual-epoch-size',
      String(STEPS_PER_EPOCH * GLOBAL_BATCH),
      '--checkpoint-dir',
      ckpt,
      '--timeout-ms',
      '5000',
    ];
    let interrupted = 0;
    const t0 = performance.now();
    for (let round = 0; round < KILL_ROUNDS; round++) {
      const before = new Set(readdirSync(ckpt));
      const procs = startWorkers({ addresses: await loopbackAddresses(2), token: TOKEN, args });
      const nth = 1 + Math.floor(Math.random() * 2);
      const tmp = await nthTempDir(ckpt, nth, before, procs); // watching starts long before the first write
      const jitter = Math.floor(Math.random() * KILL_JITTER_MS);
      if (jitter > 0) await sleep(jitter);
      procs[0]!.child.kill('SIGKILL');
      const exits = await Promise.all(procs.map((p) => p.exited));
      expect(exits[0]!.signal).toBe('SIGKILL');
      expect(exits[1]!.code).not.toBe(0); // the other worker notices the lost chief
      const { leftovers, newest } = verifyDir(ckpt);
      if (leftovers.includes(tmp)) interrupted++;
      console.log(
        `round ${round}: killed the chief ${jitter} ms into checkpoint write ${nth} (${tmp}); ${leftovers.includes(tmp) ? 'write interrupted' : 'write had completed'}; newest ${newest ?? '(none)'}`,
      );
    }
    console.log(`${KILL_ROUNDS} kills, ${interrupted} mid-write, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const newest = new CheckpointStore(ckpt, () => undefined).latest();
    expect(newest).toBeDefined();
    const killedRunsLeftovers = verifyDir(ckpt).leftovers;
    const results = await finishOk(startWorkers({ addresses: await loopbackAddresses(2), token: TOKEN, args }));
    expect(results[0]!.resumedFromEpoch).toBe(newest!.meta.epoch);
    expect(verifyDir(ckpt).leftovers).toEqual(killedRunsLeftovers); // pruning touches only the pruning run's files
    expect(readdirSync(ckpt)).not.toContain('.syncline.lock'); // released at the end of a clean run
  }, 120_000);
});
