import { nodeScript, GRACEFUL, STUBBORN, FAILS_WITH_3, waitForLine, isGone, waitUntilGone } from './fake-workers.test-helper';
import { launchFailureError } from './culprit';
import type { WorkerSpec } from './worker-exit';
import { WorkerSupervisor } from './worker-supervisor';

const LONG_GRACE_MS = 60_000; // a test relying on SIGKILL-after-grace with this would time out instead
const SHORT_GRACE_MS = 200;

function specs(scripts: string[]): WorkerSpec[] {
  return scripts.map((s, rank) => ({ rank, ...nodeScript(s), env: process.env, address: `127.0.0.1:${5000 + rank}` }));
}

function supervise(scripts: string[], graceMs: number, jsonRank?: number) {
  const out: string[] = [];
  const err: string[] = [];
  const sup = new WorkerSupervisor(
    specs(scripts),
    { stdout: (l) => out.push(l), stderr: (l) => err.push(l) },
    { graceMs, ...(jsonRank === undefined ? {} : { jsonRank }) },
  );
  return { sup, out, err, done: sup.run() };
}

describe('WorkerSupervisor', () => {
  it('prefixes every line with its rank, stdout and stderr apart, and waits for all', async () => {
    const { out, err, done } = supervise(["console.log('a'); console.error('e0')", "console.log('b\\nc'); process.stdout.write('no newline')"], LONG_GRACE_MS);
    const outcome = await done;
    expect(out.sort()).toEqual(['[rank 0] a', '[rank 1] b', '[rank 1] c', '[rank 1] no newline']);
    expect(err).toEqual(['[rank 0] e0']);
    expect(outcome.exits.map((e) => [e.rank, e.code, e.signal])).toEqual([
      [0, 0, null],
      [1, 0, null],
    ]);
    expect(outcome.firstFailure).toBeUndefined();
  });

  it('on a failure, SIGTERMs the others (which exit cleanly) and reports the failed rank', async () => {
    const { out, err, done } = supervise([GRACEFUL, GRACEFUL, FAILS_WITH_3], LONG_GRACE_MS);
    const outcome = await done;
    expect(outcome.firstFailure).toMatchObject({ rank: 2, code: 3, signal: null, lastErrorLine: 'Error: boom', address: '127.0.0.1:5002' });
    // the failure may come before a peer installed its SIGTERM handler; then SIGTERM killed it
    for (const e of outcome.exits.slice(0, 2)) expect(e.code === 143 || e.signal === 'SIGTERM').toBe(true);
    expect(outcome.exits.slice(0, 2).every((e) => !e.killedAfterGrace)).toBe(true);
    expect(err).toContain('syncline launch: rank 2 exited with code 3; stopping the other 2 worker(s)');
    expect(out).toContain('[rank 2] step 1');
    expect(launchFailureError(outcome.firstFailure!, outcome.exits).message).toBe(
      'Lost rank 2 (127.0.0.1:5002): worker exited with code 3 (last error line: "Error: boom"); stopped rank(s) 0, 1. Restart the job; BackupAndRestore resumes from the newest checkpoint.',
    );
  });

  it('SIGKILLs a worker that ignores SIGTERM once the grace period is over', async () => {
    const dir = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'launch-'));
    const marker = require('node:path').join(dir, 'ready');
    // rank 1 fails only once rank 0 has installed its SIGTERM handler
    const stubborn = `require('fs').writeFileSync(${JSON.stringify(marker)}, ''); ${STUBBORN}`;
    const failsWhenReady = `const f = ${JSON.stringify(marker)}; const t = setInterval(() => { if (require('fs').existsSync(f)) { clearInterval(t); ${FAILS_WITH_3} } }, 10);`;
    const { out, err, done } = supervise([stubborn, failsWhenReady], SHORT_GRACE_MS);
    const outcome = await done;
    expect(outcome.firstFailure).toMatchObject({ rank: 1, code: 3 });
    expect(outcome.exits[0]).toMatchObject({ rank: 0, code: null, signal: 'SIGKILL', killedAfterGrace: true });
    expect(out).toContain('[rank 0] ignoring SIGTERM');
    expect(err).toContain('syncline launch: rank 0 still running 0.2 s after SIGTERM: SIGKILL');
  });

  it('stop() forwards SIGTERM to every worker and waits for their clean exit', async () => {
    const { sup, out, done } = supervise([GRACEFUL, GRACEFUL], LONG_GRACE_MS);
    await waitForLine(out, /ready$/, 2);
    sup.stop('SIGINT');
    const outcome = await done;
    expect(outcome.stopSignal).toBe('SIGINT');
    expect(outcome.firstFailure).toBeUndefined();
    expect(outcome.exits.map((e) => e.code)).toEqual([143, 143]);
    expect(out.filter((l) => l.endsWith('checkpointed at step boundary')).sort()).toEqual([
      '[rank 0] checkpointed at step boundary',
      '[rank 1] checkpointed at step boundary',
    ]);
  });

  it('a second stop() kills at once', async () => {
    const { sup, out, err, done } = supervise([STUBBORN, STUBBORN], LONG_GRACE_MS);
    await waitForLine(out, /ready$/, 2);
    sup.stop('SIGINT');
    await waitForLine(out, /ignoring SIGTERM$/, 2);
    sup.stop('SIGINT');
    const outcome = await done;
    expect(outcome.exits.map((e) => e.signal)).toEqual(['SIGKILL', 'SIGKILL']);
    expect(err).toContain('syncline launch: SIGINT while stopping: killing the workers now (SIGKILL)');
  });

  it("kills what a failed worker's own children left running", async () => {
    const spawnsSleeper =
      "const c = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }); console.log('child ' + c.pid); setTimeout(() => process.exit(4), 50);";
    const { out, done } = supervise([spawnsSleeper], LONG_GRACE_MS);
    const outcome = await done;
    expect(outcome.firstFailure).toMatchObject({ rank: 0, code: 4, lastErrorLine: undefined });
    const pid = Number(/child (\d+)/.exec(out.join('\n'))![1]);
    await waitUntilGone(pid);
    const gone = isGone(pid);
    if (!gone) process.kill(pid, 'SIGKILL'); // do not leak it when the launcher failed to
    expect(gone).toBe(true);
  });

  it('cuts a very long last error line in the error message', async () => {
    const { done } = supervise(["console.error('x'.repeat(5000)); process.exit(2)"], SHORT_GRACE_MS);
    const outcome = await done;
    expect(outcome.firstFailure?.lastErrorLine).toHaveLength(5000);
    expect(launchFailureError(outcome.firstFailure!, outcome.exits).message).toContain(`(last error line: "${'x'.repeat(400)}...")`);
  });

  it('reports a worker that cannot start', async () => {
    const sup = new WorkerSupervisor(
      [{ rank: 0, command: '/nonexistent/syncline-node', args: [], env: process.env }],
      { stdout: () => undefined, stderr: () => undefined },
      { graceMs: SHORT_GRACE_MS },
    );
    const outcome = await sup.run();
    expect(outcome.firstFailure?.spawnError).toMatch(/ENOENT/);
    expect(launchFailureError(outcome.firstFailure!, outcome.exits).message).toMatch(
      /^Lost rank 0: worker could not start: spawn \/nonexistent\/syncline-node ENOENT \(nothing on stderr\)\./,
    );
  });

  it("holds back the JSON rank's final JSON line and prints its other lines", async () => {
    const { out, done } = supervise(
      ["console.log('epoch 1'); console.log(JSON.stringify({ acc: 0.5 }))", 'console.log(JSON.stringify({ acc: 0.4 }))'],
      LONG_GRACE_MS,
      0,
    );
    const outcome = await done;
    expect(outcome.chiefJson).toBe('{"acc":0.5}');
    expect(out.sort()).toEqual(['[rank 0] epoch 1', '[rank 1] {"acc":0.4}']);
  });

  it("prints the JSON rank's last line when it is not a JSON object", async () => {
    const { out, done } = supervise(["console.log('{\"a\":1}'); console.log('done')"], LONG_GRACE_MS, 0);
    const outcome = await done;
    expect(outcome.chiefJson).toBeUndefined();
    expect(out).toEqual(['[rank 0] {"a":1}', '[rank 0] done']);
  });
});
