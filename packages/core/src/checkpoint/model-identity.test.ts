// A checkpoint directory belongs to one model: another model's run is refused before it
// restores or writes anything, naming both models, and every old checkpoint survives intact.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FitContext } from '../contracts/fit-context';
import type { TrainEngine } from '../contracts/train-engine';
import type { WeightLayout } from '../contracts/weight-layout';
import { CheckpointError } from '../errors/checkpoint-error';
import { BackupAndRestore } from '../train/backup-and-restore';
import { CheckpointStore } from './checkpoint-store';
import { describeModel, modelIdentity } from './model-identity';

const mlp: WeightLayout = {
  entries: [
    { name: 'dense_0/kernel', shape: [4, 2], offset: 0, size: 8, trainable: true },
    { name: 'dense_0/bias', shape: [2], offset: 8, size: 2, trainable: true },
  ],
  totalSize: 10,
};
const cnn: WeightLayout = { entries: [{ name: 'conv_0/kernel', shape: [3, 3, 1, 2], offset: 0, size: 18, trainable: true }], totalSize: 18 };

function fitContext(layout: WeightLayout): FitContext & { restored: number[] } {
  let weights = new Float32Array(layout.totalSize).map((_, i) => i);
  const box = { restored: [] as number[] };
  const engine: Pick<TrainEngine, 'layout' | 'getWeights' | 'setWeights' | 'exportOptimizerState' | 'importOptimizerState'> = {
    layout,
    getWeights: async () => weights.slice(),
    setWeights: async (w) => {
      box.restored.push(w.length);
      weights = w.slice();
    },
    exportOptimizerState: async () => ({ name: 'sgd', step: 0, slots: {} }),
    importOptimizerState: async () => undefined,
  };
  const ctx = {
    engine,
    seed: 1,
    globalBatchSize: 8,
    stepsPerEpoch: 2,
    epoch: 0,
    stepInEpoch: 0,
    stopTraining: false,
    preemptRequested: false,
    preempted: false,
  };
  return Object.assign(ctx as unknown as FitContext, box);
}

/** Every file under `dir` with its sha256 (what "intact" means). */
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

const quiet = { log: () => undefined, lock: false as const };

async function trainEpochs(dir: string, layout: WeightLayout, model: { name: string; spec?: unknown }, epochs: number): Promise<void> {
  const b = new BackupAndRestore({ dir, ...quiet, model });
  await b.onTrainBegin(fitContext(layout));
  for (let e = 0; e < epochs; e++) await b.onEpochEnd(e);
  await b.onTrainEnd();
}

describe('checkpoints belong to one model', () => {
  it('refuses another model naming both and the way out, and keeps every old checkpoint byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'model-id-'));
    await trainEpochs(dir, mlp, { name: 'mlp', spec: { layers: ['dense'] } }, 5);
    const before = snapshot(dir);
    expect(Object.keys(before).filter((p) => p.endsWith('meta.json'))).toHaveLength(3); // keep 3 of its own
    const b = new BackupAndRestore({ dir, ...quiet, model: { name: 'cnn', spec: { layers: ['conv'] } } });
    const ctx = fitContext(cnn);
    const err = await b.onTrainBegin(ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toMatch(
      /was written by model "mlp" \(spec [0-9a-f]{12}, 2 tensors, 10 weights\); this run trains model "cnn" \(spec [0-9a-f]{12}, 1 tensors, 18 weights\)/,
    );
    expect((err as Error).message).toMatch(/pass another --checkpoint-dir .*Nothing was deleted/);
    expect(ctx.restored).toEqual([]);
    expect(snapshot(dir)).toEqual(before);
  });

  it('refuses the same layout under another spec, and checkpoints written before identities by their tensors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'model-id-'));
    await trainEpochs(dir, mlp, { name: 'mlp', spec: { activation: 'relu' } }, 1);
    const other = new BackupAndRestore({ dir, ...quiet, model: { name: 'mlp-tanh', spec: { activation: 'tanh' } } });
    await expect(other.onTrainBegin(fitContext(mlp))).rejects.toThrow(/was written by model "mlp".*this run trains model "mlp-tanh"/);

    const legacy = mkdtempSync(join(tmpdir(), 'model-id-'));
    new CheckpointStore(legacy, () => undefined).save({
      epoch: 1,
      step: 0,
      seed: 1,
      globalBatchSize: 8,
      iterator: {},
      layout: mlp,
      weights: new Float32Array(10),
      optimizer: { name: 'sgd', step: 0, slots: {} },
    });
    const before = snapshot(legacy);
    const cnnRun = new BackupAndRestore({ dir: legacy, ...quiet, model: { name: 'cnn' } });
    await expect(cnnRun.onTrainBegin(fitContext(cnn))).rejects.toThrow(
      /was written by another model \(its tensors do not fit this model\); this run trains model "cnn"/,
    );
    expect(snapshot(legacy)).toEqual(before);
  });

  it('resumes its own model, and does not judge an unreadable checkpoint (skipped, never deleted)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'model-id-'));
    await trainEpochs(dir, mlp, { name: 'mlp', spec: { a: 1 } }, 2);
    writeFileSync(join(dir, 'ckpt-000009-000000000'), 'not a directory');
    const again = new BackupAndRestore({ dir, ...quiet, model: { name: 'mlp', spec: { a: 1 } } });
    const ctx = fitContext(mlp);
    expect(await again.onTrainBegin(ctx)).toEqual({ epoch: 2, step: 0 });
    expect(ctx.restored).toEqual([10]);
    expect(describeModel(modelIdentity(mlp, 'mlp'))).toBe('"mlp" (2 tensors, 10 weights)');
  });
});
