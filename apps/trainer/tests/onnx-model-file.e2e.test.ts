/**
 * @jest-environment ../../tools/jest/ort-jest-environment.js
 */
/**
 * `syncline train --backend onnx --model model.onnx` (issue 17): the PyTorch-exported
 * transformer encoder (packages/backend-onnx/tests/fixtures/torch-transformer.onnx, made by
 * tools/fixtures/onnx/make_torch_transformer.py: 28 tokens of 28 features, 2 encoder layers)
 * fine-tunes with 2 replicas on the Fashion-MNIST sample from its exported weights;
 * --export-onnx writes the fine-tuned model, which onnxruntime-node runs to the run's test
 * accuracy and Python's onnxruntime reproduces within 1e-5. Exports that cannot be made are
 * refused before training.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadFashionMnist } from '@syncline/core';
import { buildProgram } from '../src/cli-program';
import { REPO, SAMPLE_DIR } from './helpers';

const FIXTURE = join(REPO, 'packages', 'backend-onnx', 'tests', 'fixtures', 'torch-transformer.onnx');
const ORT_PREDICT = join(REPO, 'packages', 'backend-onnx', 'tests', 'helpers', 'ort_predict.py');

async function cli(args: string[]): Promise<Record<string, unknown>> {
  const out: string[] = [];
  await buildProgram({ stdout: (l) => out.push(l), stderr: () => undefined }).parseAsync(['node', 'syncline', ...args]);
  return JSON.parse(out[out.length - 1]!) as Record<string, unknown>;
}

/** A Python whose onnxruntime imports (install.sh installs it; under CI its absence is an error), else undefined after saying why. */
function pythonWithOrt(): string | undefined {
  for (const py of ['python3', '/usr/bin/python3']) if (spawnSync(py, ['-c', 'import onnxruntime'], { encoding: 'utf8' }).status === 0) return py;
  const why = 'onnx model file test: no python3 imports onnxruntime (bash tools/scripts/install.sh installs it)';
  if (process.env.CI === 'true') throw new Error(why);
  process.stderr.write(`${why}; skipping the Python comparison\n`);
  return undefined;
}

const BASE = ['train', '--data', SAMPLE_DIR, '--global-batch', '32', '--seed', '2', '--json', '--timeout-ms', '60000', '--replicas', '2'];

describe('syncline train --model model.onnx', () => {
  it('fine-tunes a PyTorch transformer with 2 replicas; the exported model runs the same in onnxruntime-node and Python', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onnx-model-'));
    const exported = join(dir, 'fine-tuned.onnx');
    const r = await cli([...BASE, '--backend', 'onnx', '--model', FIXTURE, '--epochs', '2', '--export-onnx', exported, '--checkpoint-dir', join(dir, 'ckpt')]);
    expect(r).toMatchObject({ backend: 'onnx', replicas: 2, epochs: 2 });
    const history = r.history as { loss: number }[];
    expect(history[1]!.loss).toBeLessThan(history[0]!.loss);
    expect(r.testAccuracy as number).toBeGreaterThan(0.5);

    const { test } = loadFashionMnist(SAMPLE_DIR);
    const x = Float32Array.from(test.x);
    const session = await ort.InferenceSession.create(readFileSync(exported));
    const probs = (await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x, [test.size, 28, 28]) }))[session.outputNames[0]!]!
      .data as Float32Array;
    await session.release();
    let correct = 0;
    for (let i = 0; i < test.size; i++) {
      const row = probs.subarray(i * 10, i * 10 + 10);
      if (row.indexOf(Math.max(...row)) === test.y[i]) correct++;
    }
    expect(Math.abs(correct / test.size - (r.testAccuracy as number))).toBeLessThanOrEqual(0.005);

    const py = pythonWithOrt();
    if (!py) return;
    writeFileSync(join(dir, 'x.bin'), x);
    const run = spawnSync(py, [ORT_PREDICT, exported, join(dir, 'x.bin'), `${test.size},28,28`, join(dir, 'y.bin')], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    const theirs = new Float32Array(readFileSync(join(dir, 'y.bin')).buffer.slice(0));
    expect(theirs.length).toBe(probs.length);
    const worst = Math.max(...Array.from(theirs, (v, i) => Math.abs(v - probs[i]!)));
    process.stderr.write(
      `fine-tuned transformer: Python onnxruntime ${run.stdout.trim()} vs onnxruntime-node, worst |diff| ${worst.toExponential(2)} over ${probs.length} probabilities\n`,
    );
    expect(worst).toBeLessThanOrEqual(1e-5);
  }, 300_000);

  it('refuses exports that cannot be made, and another backend, before training', async () => {
    await expect(cli([...BASE, '--backend', 'onnx', '--model', FIXTURE, '--export-tfjs', join(tmpdir(), 'never')])).rejects.toThrow(
      /--export-tfjs.*ONNX --model/,
    );
    await expect(cli([...BASE, '--backend', 'tfjs', '--model', FIXTURE])).rejects.toThrow(
      /--backend.*onnx: --model .*torch-transformer\.onnx is an ONNX model/,
    );
  }, 60_000);
});
