/**
 * What a person sees on the console of a multi-worker run (built CLI through `syncline
 * launch`, 2 workers x 2 thread replicas, tfjs): the tfjs backend line once for the run
 * (it used to come from every replica: 4 here, 16 with 16 replicas), the strategy banner
 * once (from the chief), and each worker's role line once, without repeating itself.
 */
import { killAll, requireBuiltCli, spawnCli, tempDir, trainArgs, writeSpec } from './cluster-helpers';

const WORKERS = 2;
const REPLICAS_PER_WORKER = 2;

describe('console of a launched run', () => {
  afterAll(killAll);

  it('prints the backend line and the banner once, and each role line once', async () => {
    requireBuiltCli();
    const spec = writeSpec(tempDir('console-lines'));
    const args = [
      'launch',
      '--workers',
      String(WORKERS),
      '--replicas-per-worker',
      String(REPLICAS_PER_WORKER),
      '--',
      ...trainArgs(['--model', spec, '--epochs', '1']),
    ];
    const p = spawnCli('launch', [...args, '--global-batch', '32', '--train-limit', '256', '--backend', 'tfjs'], {});
    const exit = await p.exited;
    const out = `${p.stdout}\n${p.stderr}`;
    expect({ code: exit.code, tail: exit.code === 0 ? '' : out.slice(-2000) }).toEqual({ code: 0, tail: '' });
    const lines = out.split('\n');
    const count = (re: RegExp): number => lines.filter((l) => re.test(l)).length;
    expect(count(/\[syncline:tfjs\] using tfjs backend/)).toBe(1);
    expect(count(/syncline: MultiWorkerMirroredStrategy with 4 replicas on 2 workers \(2 per worker, threads\)/)).toBe(1);
    for (let rank = 0; rank < WORKERS; rank++) {
      const role = lines.filter((l) => l.includes(`syncline: worker ${rank} (from TF_CONFIG)`));
      expect(role).toHaveLength(1);
      expect(role[0]!.split(`rank ${rank} of ${WORKERS}`)).toHaveLength(2); // said once in the line
    }
  }, 180_000);
});
