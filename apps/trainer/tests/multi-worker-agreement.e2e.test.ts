/**
 * Workers of one cluster agree before they train (issue 20):
 *   - one starting state: two workers (in this process, TCP ring on loopback, two replica
 *     threads each: hierarchical) that initialise from DIFFERENT seeds hold bitwise-identical
 *     replicas from the first step, because the global chief's weights are broadcast to
 *     every replica of every worker;
 *   - agreement at rendezvous: real `syncline train --strategy multi-worker` processes
 *     started with one differing flag all stop with ConfigMismatchError naming the flag and
 *     both values, before step 1 (no epoch line, no checkpoint).
 */
import { existsSync, readdirSync } from 'node:fs';
import { MultiWorkerMirroredStrategy, TFConfigClusterResolver } from '@syncline/core';
import { multiWorker } from '@syncline/collective';
import { killAll, loopbackAddresses, requireBuiltCli, spawnCli, tempDir, tfConfig, trainArgs, writeSpec, type Proc } from './cluster-helpers';
import { bitwiseEqual, sample, TFJS_REF } from './helpers';

const SPEC = {
  inputShape: [784],
  layers: [
    { type: 'dense', units: 16, activation: 'relu' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
  optimizer: { name: 'adam' },
} as const;

describe('one starting state', () => {
  it('workers initialised from different seeds hold bitwise-identical replicas from the first step', async () => {
    process.env.SYNCLINE_AUTH_TOKEN ??= 'multi-worker-agreement-test';
    const addresses = await loopbackAddresses(2);
    const workers = addresses.map(
      (_, index) =>
        new MultiWorkerMirroredStrategy({
          clusterResolver: TFConfigClusterResolver.fromObject({ cluster: { worker: addresses }, task: { type: 'worker', index } }),
          replicasPerWorker: 2,
          backend: TFJS_REF,
          communicator: multiWorker(),
          timeoutMs: 30_000,
        }),
    );
    try {
      const models = await Promise.all(workers.map((s, index) => s.createModel(SPEC, { seed: 1 + index })));
      const before = (await Promise.all(workers.map((s, i) => s.replicaWeights(models[i]!)))).flat();
      expect(before).toHaveLength(4);
      expect(before.map((w) => bitwiseEqual(w, before[0]!))).toEqual([true, true, true, true]);
      const data = sample().train.slice(0, 256);
      await Promise.all(models.map((m) => m.fit(data, { epochs: 1, globalBatchSize: 32, virtualEpochSize: 128, seed: 3 })));
      const after = (await Promise.all(workers.map((s, i) => s.replicaWeights(models[i]!)))).flat();
      expect(after.map((w) => bitwiseEqual(w, after[0]!))).toEqual([true, true, true, true]);
      expect(bitwiseEqual(after[0]!, before[0]!)).toBe(false);
    } finally {
      await Promise.all(workers.map((s) => s.close()));
    }
  }, 90_000);
});

describe('agreement at rendezvous (built CLI, 2 workers)', () => {
  let spec = '';
  beforeAll(() => {
    requireBuiltCli();
    spec = writeSpec(tempDir('agree'));
  });
  afterEach(killAll);

  const base = (): string[] => ['--model', spec, '--seed', '7', '--global-batch', '16', '--epochs', '2', '--virtual-epoch-size', '64', '--train-limit', '512'];

  it.each([
    ['--global-batch', '32'],
    ['--epochs', '3'],
    ['--virtual-epoch-size', '128'],
    ['--train-limit', '256'],
    ['--seed', '8'],
  ])(
    '%s %s on rank 1 only: every rank stops with ConfigMismatchError naming it, before step 1',
    async (flag, other) => {
      const addresses = await loopbackAddresses(2);
      const ckpt = tempDir('agree-ckpt');
      const procs: Proc[] = addresses.map((_, rank) => {
        const args = [...base(), '--checkpoint-dir', ckpt];
        if (rank === 1) args[args.indexOf(flag) + 1] = other;
        return spawnCli(`rank ${rank}`, trainArgs(['--strategy', 'multi-worker', '--replicas', '1', ...args]), {
          TF_CONFIG: tfConfig(addresses, rank),
          SYNCLINE_AUTH_TOKEN: 'agreement-test-token',
        });
      });
      const exits = await Promise.all(procs.map((p) => p.exited));
      const ours = base()[base().indexOf(flag) + 1];
      for (const [rank, p] of procs.entries()) {
        expect({ rank, code: exits[rank]!.code }).toEqual({ rank, code: 1 });
        expect(p.stderr).toMatch(new RegExp(`ConfigMismatchError: .*Workers disagree on ${flag}: rank 0 has ${ours}; rank 1 has ${other}\\.`));
        expect(p.stderr).not.toMatch(/epoch 1\/|Epoch 1/); // no step ran
        expect(p.stdout).toBe('');
      }
      expect(existsSync(ckpt) ? readdirSync(ckpt).filter((n) => n.startsWith('ckpt-')) : []).toEqual([]);
    },
    60_000,
  );
});
