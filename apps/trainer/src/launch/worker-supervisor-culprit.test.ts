/**
 * The supervisor's side of naming the culprit: it waits a grace after the first failure so
 * the rank that failed first gets its error out, times every error line, and gives each
 * worker the launcher link.
 */
import { nodeScript, RANK_FROM_TF_CONFIG } from './fake-workers.test-helper';
import { LAUNCHER_FD } from './launcher-link';
import { launchFailureError } from './culprit';
import type { WorkerSpec } from './worker-exit';
import { WorkerSupervisor } from './worker-supervisor';

const ENOSPC = 'syncline: CheckpointError: Checkpoint /ckpt/ckpt-000001-000000000: could not be written: ENOSPC: no space left on device, write';
/** Rank 1 reports losing rank 0 and exits at once; rank 0 (no SIGTERM handler, like a worker past its fit) reports ENOSPC a second later. */
const VICTIM_FIRST = `${RANK_FROM_TF_CONFIG}
  if (rank === 1) { console.error('syncline: WorkerLostError: replica 0: Lost rank 0 (127.0.0.1:5000): it closed its communicator'); process.exit(1); }
  else setTimeout(() => { console.error(${JSON.stringify(ENOSPC)}); process.exit(1); }, 1000);`;

function specs(n: number, script: string): WorkerSpec[] {
  return Array.from({ length: n }, (_, rank) => ({
    rank,
    ...nodeScript(script),
    env: { ...process.env, TF_CONFIG: JSON.stringify({ cluster: { worker: ['a:1', 'b:2'] }, task: { type: 'worker', index: rank } }) },
    address: `127.0.0.1:${5000 + rank}`,
  }));
}

async function run(n: number, script: string, failureGraceMs: number) {
  const err: string[] = [];
  const out: string[] = [];
  const sup = new WorkerSupervisor(specs(n, script), { stdout: (l) => out.push(l), stderr: (l) => err.push(l) }, { graceMs: 60_000, failureGraceMs });
  return { outcome: await sup.run(), err, out };
}

describe('WorkerSupervisor: the culprit', () => {
  it("waits for the first failing rank's own error, though its victim exited first, and names it", async () => {
    const { outcome, err } = await run(2, VICTIM_FIRST, 30_000);
    expect(outcome.firstFailure?.rank).toBe(1); // the first to exit...
    const message = launchFailureError(outcome.firstFailure!, outcome.exits).message;
    expect(message).toMatch(
      /^Lost rank 0 \(127\.0\.0\.1:5000\): worker exited with code 1 \(error: ".*ENOSPC: no space left on device, write"\); also failed: rank 1 /,
    );
    expect(err).toContain(`[rank 0] ${ENOSPC}`);
    const [r0, r1] = outcome.exits;
    expect(r0!.errorAt! > r1!.errorAt!).toBe(true); // ...and its error came after its victim's
    expect(r0!.stopped).toBe(false);
  });

  it('without the grace the first failing rank is stopped before it can say why (the bug this fixes)', async () => {
    const { outcome } = await run(2, VICTIM_FIRST, 0);
    expect(outcome.exits[0]).toMatchObject({ rank: 0, signal: 'SIGTERM', stopped: true });
    expect(outcome.exits[0]!.errorLine).toBeUndefined();
    expect(launchFailureError(outcome.firstFailure!, outcome.exits).message).toMatch(/^Lost rank 1 /);
  });

  it('hands every worker the launcher link: an open socket at fd 3, named in its environment', async () => {
    const probe = `const s = require('fs').fstatSync(${LAUNCHER_FD}); console.log(JSON.stringify({ fd: process.env.SYNCLINE_LAUNCHER_FD, grace: process.env.SYNCLINE_LAUNCHER_GRACE_MS, socket: s.isSocket() || s.isFIFO() }))`;
    const { out } = await run(2, probe, 0);
    expect(out.sort()).toEqual([0, 1].map((r) => `[rank ${r}] {"fd":"3","grace":"60000","socket":true}`));
  });
});
