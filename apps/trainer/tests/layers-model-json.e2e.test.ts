/**
 * `syncline train --backend tfjs --model dir/model.json` (issue 17): a tfjs LayersModel
 * saved as model.json + weights.bin (the files tfjs' file:// saver writes) trains under
 * MirroredStrategy with 2 replicas on the Fashion-MNIST sample, starting from its saved
 * weights; its checkpoints and exported weights hold the saved model's own tensors, and a
 * rerun resumes from them; --export-tfjs writes it back with the trained weights; another
 * backend is refused naming --backend.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

/** A Keras-style MLP saved as tfjs' file:// handler saves it. */
async function savedMlp(dir: string): Promise<string> {
  await tf.setBackend('cpu');
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [784], units: 64, activation: 'relu' }), tf.layers.dense({ units: 10, activation: 'softmax' })],
  });
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      writeFileSync(join(dir, 'weights.bin'), Buffer.from(a.weightData as ArrayBuffer));
      const manifest = [{ paths: ['weights.bin'], weights: a.weightSpecs }];
      writeFileSync(
        join(dir, 'model.json'),
        JSON.stringify({ modelTopology: a.modelTopology, format: a.format, generatedBy: a.generatedBy, weightsManifest: manifest }),
      );
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  return join(dir, 'model.json');
}

describe('syncline train --model model.json (tfjs LayersModel)', () => {
  it('trains the saved model with 2 replicas, and refuses another backend', async () => {
    const path = await savedMlp(mkdtempSync(join(tmpdir(), 'layers-model-')));
    const base = ['train', '--data', SAMPLE_DIR, '--model', path, '--global-batch', '32', '--seed', '3', '--json', '--timeout-ms', '60000', '--replicas', '2'];
    const dir = mkdtempSync(join(tmpdir(), 'layers-model-out-'));
    const out = ['--checkpoint-dir', join(dir, 'ckpt'), '--export-weights', join(dir, 'final.safetensors')];
    const r = await cli([...base, '--backend', 'tfjs', '--epochs', '3', ...out, '--export-tfjs', join(dir, 'trained')]);
    // the trained model, written back as a LayersModel, classifies the test images as the run did
    const trained = (await loadLayersModelFile(join(dir, 'trained', 'model.json'))) as unknown as tf.LayersModel;
    const { test } = loadFashionMnist(SAMPLE_DIR);
    const predicted = Array.from((trained.predict(tf.tensor(test.x, [test.size, 784])) as tf.Tensor2D).argMax(1).dataSync());
    trained.dispose();
    expect(Math.abs(predicted.filter((c, i) => c === test.y[i]).length / test.size - (r.testAccuracy as number))).toBeLessThanOrEqual(0.005);
    expect(r).toMatchObject({ strategy: 'MirroredStrategy', backend: 'tfjs', replicas: 2, epochs: 3 });
    // checkpoints and exported weights carry the saved model's own tensors, not the spec's stand-in head
    const st = readFileSync(join(dir, 'final.safetensors'));
    const header = JSON.parse(st.subarray(8, 8 + Number(st.readBigUInt64LE(0))).toString('utf8')) as Record<string, { shape?: number[] }>;
    const shapes = Object.entries(header)
      .filter(([k]) => k !== '__metadata__')
      .map(([, v]) => v.shape!.join('x'));
    expect(shapes.sort()).toEqual(['10', '64', '64x10', '784x64']);
    const resumed = await cli([...base, '--backend', 'tfjs', '--epochs', '4', ...out]);
    expect(resumed).toMatchObject({ resumedFromEpoch: 3, epochs: 4 });
    const history = r.history as { loss: number }[];
    expect(history[2]!.loss).toBeLessThan(history[0]!.loss);
    expect(r.testAccuracy as number).toBeGreaterThan(0.7);
    await expect(cli([...base, '--backend', 'onnx', '--epochs', '1'])).rejects.toThrow(/--backend.*tfjs: --model .*model\.json is a tfjs LayersModel/);
  }, 300_000);
});
