/**
 * The launcher names the rank whose failure came first, not the first to exit (built CLI):
 * rank 0, the only checkpoint writer, runs out of disk (its checkpoint directory is a tiny
 * tmpfs) while the other ranks report losing it, often before rank 0's own error is out.
 * In every one of RUNS runs the launcher's headline names rank 0 and ENOSPC, with the
 * victims after it. Skipped, with the reason printed, where tmpfs cannot be mounted (not root).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { killAll, requireBuiltCli, spawnCli, tempDir, trainArgs, writeSpec } from './cluster-helpers';

const WORKERS = 2;
const RUNS = 10;
/** Smaller than one checkpoint of the test model (~150 KB with its Adam state): the first one fails with ENOSPC. */
const TMPFS_SIZE = '64k';
const HEADLINE =
  /^syncline: WorkerLostError: Lost rank 0 \(127\.0\.0\.1:\d+\): worker exited with code 1 \(error: "syncline: CheckpointError: .*ENOSPC: no space left on device/;

function mountTinyTmpfs(dir: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE}`, 'tmpfs', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    return undefined;
  } catch (e) {
    return ((e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message) + ' (needs root)';
  }
}

const full = tempDir('ckpt-full');
const whyNot = mountTinyTmpfs(full);
if (whyNot) console.warn(`disk-full culprit test skipped: mounting a tmpfs failed: ${whyNot}`);
const itTmpfs = whyNot ? it.skip : it;

/** The order in which the ranks' own error lines reached the launcher. */
function errorOrder(stderr: string): number[] {
  return [...stderr.matchAll(/^\[rank (\d+)\] syncline: \w*Error: /gm)].map((m) => Number(m[1]));
}

describe('the culprit named (built CLI, disk full on rank 0)', () => {
  afterEach(killAll);
  afterAll(() => {
    if (!whyNot) execFileSync('umount', [full]);
  });

  itTmpfs(
    `names rank 0 and ENOSPC in every one of ${RUNS} runs`,
    async () => {
      requireBuiltCli();
      const spec = writeSpec(tempDir('culprit'));
      const args = ['launch', '--workers', String(WORKERS), '--json', '--', ...trainArgs(['--model', spec, '--epochs', '3', '--global-batch', '24'])];
      const flags = ['--virtual-epoch-size', '240', '--checkpoint-dir', full, '--timeout-ms', '5000'];
      const headlines: string[] = [];
      let victimFirst = 0;
      const t0 = performance.now();
      for (let run = 0; run < RUNS; run++) {
        for (const name of readdirSync(full)) rmSync(join(full, name), { recursive: true, force: true });
        const launcher = spawnCli(`launch ${run}`, [...args, ...flags], {});
        const exit = await launcher.exited;
        const headline =
          launcher.stderr
            .split('\n')
            .filter((l) => l.startsWith('syncline: '))
            .pop() ?? '(none)';
        const order = errorOrder(launcher.stderr);
        if (order[0] !== 0) victimFirst++;
        headlines.push(headline);
        console.log(`run ${run + 1}: exit ${exit.code}; error lines from ranks ${order.join(', ')}; ${headline.slice(0, 300)}`);
        expect(exit.code).toBe(1);
      }
      console.log(`${RUNS} runs in ${((performance.now() - t0) / 1000).toFixed(1)} s; a victim's error reached the launcher first in ${victimFirst}`);
      expect(headlines.filter((h) => !HEADLINE.test(h))).toEqual([]);
      for (const h of headlines) expect(h).toMatch(/; also failed: rank 1 exited with code 1 \("syncline: WorkerLostError: .*Lost rank 0/);
    },
    180_000,
  );
});
