/**
 * `syncline train --export-tfjs DIR` (issue 17): the CNN preset trained with 2 replicas on
 * onnx is written as a tfjs LayersModel (model.json + weights.bin) that plain tfjs loads and
 * that classifies the test images as the trained model did (the same test accuracy within
 * 0.5 points: onnx and tfjs round differently on a few borderline images); a model holding a
 * layer tfjs lacks is refused before training, naming the layer.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadFashionMnist } from '@syncline/core';
import { loadLayersModelFile } from '@syncline/backend-tfjs';
import { buildProgram } from '../src/cli-program';
import { SAMPLE_DIR } from './helpers';

async function cli(args: string[]): Promise<Record<string, unknown>> {
  const out: string[] = [];
  await buildProgram({ stdout: (l) => out.push(l), stderr: () => undefined }).parseAsync(['node', 'syncline', ...args]);
  return JSON.parse(out[out.length - 1]!) as Record<string, unknown>;
}

const BASE = ['train', '--data', SAMPLE_DIR, '--global-batch', '32', '--seed', '9', '--json', '--timeout-ms', '60000', '--replicas', '2'];

describe('syncline train --export-tfjs', () => {
  it('writes a tfjs LayersModel that classifies the test images as the trained model did', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'export-tfjs-')), 'model');
    const r = await cli([...BASE, '--backend', 'onnx', '--model', 'cnn', '--epochs', '1', '--export-tfjs', dir]);
    const model = (await loadLayersModelFile(join(dir, 'model.json'))) as unknown as tf.LayersModel;
    const { test } = loadFashionMnist(SAMPLE_DIR);
    const probs = model.predict(tf.tensor(test.x, [test.size, 28, 28, 1])) as tf.Tensor2D;
    const predicted = Array.from(probs.argMax(1).dataSync());
    const correct = predicted.filter((c, i) => c === test.y[i]).length;
    model.dispose();
    expect(Math.abs(correct / test.size - (r.testAccuracy as number))).toBeLessThanOrEqual(0.005);
  }, 300_000);

  it('refuses a model with a layer tfjs lacks before training', async () => {
    const spec = join(mkdtempSync(join(tmpdir(), 'export-tfjs-mha-')), 'mha.json');
    writeFileSync(
      spec,
      JSON.stringify({
        inputShape: [28, 28],
        layers: [{ type: 'multiHeadAttention', numHeads: 2, keyDim: 8 }, { type: 'flatten' }, { type: 'dense', units: 10 }],
      }),
    );
    await expect(cli([...BASE, '--model', spec, '--epochs', '1', '--export-tfjs', join(tmpdir(), 'never')])).rejects.toThrow(
      /layer "multiheadattention_0" does not support export to a tfjs LayersModel/,
    );
  }, 60_000);
});
