/**
 * Careless-user mistakes end with the right named error before anything is lost (issue 15),
 * with the built CLI:
 *   - an unwritable --checkpoint-dir, --log-dir or --export-weights is an OutputPathError
 *     naming the option, path and reason before any data is read (--data points nowhere,
 *     so reading data first would have been a DataError);
 *   - a checkpoint directory of another model is refused with CheckpointError naming both
 *     models, and every old checkpoint file stays byte for byte;
 *   - --replicas above the global batch names --replicas;
 *   - SIGINT stops a run after a checkpoint with exit code 130.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorLine, killAll, requireBuiltCli, result, spawnCli, tempDir, trainArgs, waitFor, writeSpec, type Proc } from './cluster-helpers';

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out[p.slice(dir.length)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

const train = (label: string, args: readonly string[]): Proc =>
  spawnCli(label, trainArgs(['--seed', '3', '--global-batch', '32', '--replicas', '1', ...args]), {});

describe('run safety (built CLI)', () => {
  let dir = '';
  beforeAll(() => {
    requireBuiltCli();
    dir = tempDir('run-safety');
    writeFileSync(join(dir, 'a-file'), 'x');
  });
  afterEach(killAll);

  it.each([
    ['--checkpoint-dir', () => join(dir, 'a-file', 'ckpt'), /--checkpoint-dir .*a-file\/ckpt cannot be written: ENOTDIR/],
    ['--log-dir', () => join(dir, 'a-file'), /--log-dir .*a-file cannot be written: (EEXIST|it is not a directory)/],
    ['--export-weights', () => dir, /--export-weights .* cannot be written: it is a directory/],
  ])(
    'an unwritable %s is an OutputPathError before any data is read',
    async (flag, path, message) => {
      const p = train(flag, ['--data', join(dir, 'no-such-data'), flag, path()]);
      expect((await p.exited).code).toBe(1);
      expect(errorLine(p)).toMatch(/^syncline: OutputPathError: /);
      expect(errorLine(p)).toMatch(message);
      expect(p.stdout).toBe('');
    },
    60_000,
  );

  it('refuses a checkpoint directory of another model naming both, and keeps every old checkpoint intact', async () => {
    const ckpt = tempDir('other-model');
    const first = train('mlp-16', ['--model', writeSpec(dir, 16), '--epochs', '4', '--checkpoint-dir', ckpt]);
    expect((await first.exited).code).toBe(0);
    const before = snapshot(ckpt);
    expect(Object.keys(before).filter((f) => f.endsWith('model.safetensors'))).toHaveLength(3);
    const second = train('mlp-24', ['--model', writeSpec(dir, 24), '--epochs', '2', '--checkpoint-dir', ckpt]);
    expect((await second.exited).code).toBe(1);
    expect(errorLine(second)).toMatch(
      /^syncline: CheckpointError: Checkpoint .*ckpt-\d+-\d+: was written by model "mlp-16" \(spec [0-9a-f]{12}, 4 tensors, 12,730 weights\); this run trains model "mlp-24" \(spec [0-9a-f]{12}, 4 tensors, 19,090 weights\)\. .*pass another --checkpoint-dir/,
    );
    const after = snapshot(ckpt);
    delete after['/.syncline.lock']; // the lock file the second run took and released
    delete before['/.syncline.lock'];
    expect(after).toEqual(before);
  }, 120_000);

  it('--replicas above the global batch names --replicas', async () => {
    const p = spawnCli('replicas', trainArgs(['--replicas', '1000', '--global-batch', '64']), {});
    expect((await p.exited).code).toBe(1);
    expect(errorLine(p)).toMatch(/^syncline: InvalidConfigError: .*--replicas.*1000/);
    expect(errorLine(p)).not.toMatch(/--global-batch \(64\) must be/);
  }, 60_000);

  it('SIGINT stops after a checkpoint with exit code 130', async () => {
    const ckpt = tempDir('sigint');
    const p = train('sigint', ['--model', writeSpec(dir, 16), '--epochs', '50', '--checkpoint-dir', ckpt]);
    await waitFor('the first checkpoint', () => readdirSync(ckpt).some((n) => n.startsWith('ckpt-')), 60_000, 50);
    p.child.kill('SIGINT');
    const exit = await p.exited;
    expect(exit.code).toBe(130);
    expect(result(p)).toMatchObject({ preempted: true, stopSignal: 'SIGINT' });
  }, 120_000);
});
