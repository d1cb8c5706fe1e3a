/**
 * Workers never outlive `syncline launch` (built CLI, 2 workers on loopback): after kill -9
 * of the launcher, or SIGHUP with its output gone (an ssh session ending), every worker
 * checkpoints at the next step boundary and exits within seconds, and an immediate rerun of
 * the same command resumes from that checkpoint with final weights bitwise equal to an
 * uninterrupted run (one writer per checkpoint directory: no orphan keeps training).
 */
import { CheckpointStore } from '@syncline/core';
import { existsSync, readdirSync } from 'node:fs';
import { killAll, requireBuiltCli, result, sleep, spawnCli, tempDir, trainArgs, waitFor, writeSpec, type Proc } from './cluster-helpers';
import { childrenOf, isAlive, processesMentioning } from './process-table';

const WORKERS = 2;
const SEED = 7;
const GLOBAL_BATCH = 24;
const STEPS_PER_EPOCH = 10;
/** Enough epochs that training outlasts the fault window by seconds: onnx runs 40 of these tiny epochs in about half a second. */
const EPOCHS = 200;
/** The bound: no worker alive this long after the launcher died. */
const GONE_WITHIN_MS = 10_000;
/** The fault lands this many ms (at random) after the first checkpoint. */
const FAULT_WINDOW_MS = 600;

const hasCheckpoint = (dir: string) => (): boolean => existsSync(dir) && readdirSync(dir).some((n) => n.startsWith('ckpt-'));

describe('workers bound to their launcher (built CLI)', () => {
  let spec: string;
  let referenceSha: string;
  const launch = (ckpt: string): Proc =>
    spawnCli(
      'launcher',
      [
        'launch',
        '--workers',
        String(WORKERS),
        '--json',
        '--',
        ...trainArgs(['--model', spec, '--seed', String(SEED), '--global-batch', String(GLOBAL_BATCH), '--epochs', String(EPOCHS)]),
        '--virtual-epoch-size',
        String(STEPS_PER_EPOCH * GLOBAL_BATCH),
        '--checkpoint-dir',
        ckpt,
      ],
      {},
    );

  beforeAll(async () => {
    requireBuiltCli();
    spec = writeSpec(tempDir('launcher-death'));
    const t0 = performance.now();
    const ref = launch(tempDir('ckpt-ref'));
    expect((await ref.exited).code).toBe(0);
    console.log(`uninterrupted launch of ${WORKERS} workers: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    referenceSha = result(ref).weightsSha256 as string;
  }, 120_000);

  afterEach(killAll);

  /** Starts a launch, lets it checkpoint, then `fault(launcher)`; returns the launcher and how long until every worker was gone. */
  async function interrupt(ckpt: string, fault: (launcher: Proc) => void): Promise<{ launcher: Proc; goneAfterMs: number }> {
    const launcher = launch(ckpt);
    await waitFor('the first checkpoint', hasCheckpoint(ckpt), 60_000);
    await sleep(Math.floor(Math.random() * FAULT_WINDOW_MS));
    const workers = childrenOf(launcher.child.pid!);
    expect(workers).toHaveLength(WORKERS);
    expect(launcher.exit).toBeUndefined(); // still training
    const t0 = performance.now();
    fault(launcher);
    await waitFor('every worker gone', () => workers.every((p) => !isAlive(p)) && processesMentioning(ckpt).length === 0, GONE_WITHIN_MS + 5_000);
    const goneAfterMs = performance.now() - t0;
    expect(goneAfterMs).toBeLessThan(GONE_WITHIN_MS);
    return { launcher, goneAfterMs };
  }

  async function rerunMatches(ckpt: string, label: string): Promise<void> {
    const newest = new CheckpointStore(ckpt, () => undefined).latest();
    expect(newest).toBeDefined();
    const at = { epoch: newest!.meta.epoch, step: newest!.meta.step };
    const rerun = launch(ckpt); // immediately, the same command
    const exit = await rerun.exited;
    if (exit.code !== 0) throw new Error(`rerun after ${label} exited ${exit.code ?? exit.signal}:\n${rerun.stderr.slice(-3000)}`);
    const r = result(rerun);
    console.log(`${label}: newest checkpoint epoch ${at.epoch} step ${at.step}; rerun resumed at epoch ${r.resumedFromEpoch} step ${r.resumedFromStep}`);
    expect({ epoch: r.resumedFromEpoch, step: r.resumedFromStep }).toEqual(at);
    expect(r.weightsSha256).toBe(referenceSha);
  }

  it('kill -9 of the launcher: every worker checkpoints and exits within 10 s; a rerun resumes bitwise equal', async () => {
    const ckpt = tempDir('ckpt-kill9');
    const { goneAfterMs } = await interrupt(ckpt, (l) => l.child.kill('SIGKILL'));
    console.log(`kill -9 of the launcher: every worker gone after ${(goneAfterMs / 1000).toFixed(2)} s`);
    await rerunMatches(ckpt, 'kill -9');
  }, 120_000);

  it('SIGHUP to the launcher, its terminal gone: it stops the workers cleanly and exits 129; a rerun resumes bitwise equal', async () => {
    const ckpt = tempDir('ckpt-sighup');
    const { launcher, goneAfterMs } = await interrupt(ckpt, (l) => {
      l.child.stdout!.destroy(); // as when the ssh session ends: its writes fail from now on
      l.child.stderr!.destroy();
      l.child.kill('SIGHUP');
    });
    const exit = await launcher.exited;
    console.log(`SIGHUP to the launcher: every worker gone after ${(goneAfterMs / 1000).toFixed(2)} s; launcher exit ${exit.code ?? exit.signal}`);
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 129, signal: null }); // 128 + SIGHUP, after a clean stop
    await rerunMatches(ckpt, 'SIGHUP');
  }, 120_000);
});
