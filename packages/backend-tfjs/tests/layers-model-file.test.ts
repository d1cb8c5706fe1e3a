/**
 * `tfjs({ layersModel: 'dir/model.json' })`: a LayersModel saved as model.json + weights
 * (written by the exporter's saveLayersModelFiles, as tfjs' file:// saver writes them) is what every replica trains, starting
 * from the saved weights; the spec's loss is honoured (MSE on a 1-unit model), and a
 * missing or foreign file is refused naming it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InvalidConfigError, parseModelSpec, type Batch } from '@syncline/core';
import { createTfjsBackend, describeLayersModelFile, silentLogger, TfjsBackend } from '../src/index';
import { saveLayersModelFiles } from '../src/internal/model/export-layers-model';

describe('a tfjs LayersModel from model.json', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('every replica trains the saved model from its saved weights, with the spec loss (MSE)', async () => {
    const original = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 4, activation: 'tanh' }), tf.layers.dense({ units: 1 })] });
    const path = await saveLayersModelFiles(original, mkdtempSync(join(tmpdir(), 'lm-')));
    const saved = new Float32Array(original.getWeights().flatMap((w) => Array.from(w.dataSync())));
    expect(await describeLayersModelFile(path)).toEqual({ inputShape: [3], outputUnits: 1, lastActivation: 'linear' });
    const spec = parseModelSpec({ inputShape: [3], layers: [{ type: 'dense', units: 1 }], loss: 'meanSquaredError', metrics: [] }, 'test');
    const backend = new TfjsBackend({ candidates: ['cpu'], logger: silentLogger, layersModel: path });
    const replica = await backend.createReplica(spec, { seed: 7 });
    expect(Array.from(await replica.getWeights())).toEqual(Array.from(saved));
    const x = Float32Array.from([0.1, -0.2, 0.3, 0.5, 0.4, -0.6]);
    const batch: Batch = { x, y: Int32Array.from([2, -1]), size: 2, exampleShape: [3] };
    const out = (original.predict(tf.tensor2d(x, [2, 3])) as tf.Tensor).dataSync();
    const g = await replica.computeGradients(batch);
    expect(g.lossSum).toBeCloseTo((out[0]! - 2) ** 2 + (out[1]! + 1) ** 2, 4);
    expect(g.count).toBe(2);
  });

  it('refuses a missing weight file, a spec file and an option of the wrong type, naming them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lm-bad-'));
    const path = await saveLayersModelFiles(tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2, activation: 'softmax' })] }), dir);
    writeFileSync(join(dir, 'weights.bin'), Buffer.alloc(0));
    await expect(describeLayersModelFile(path)).rejects.toThrow(/model\.json.*tfjs could not build it/);
    writeFileSync(join(dir, 'spec.json'), JSON.stringify({ inputShape: [2], layers: [{ type: 'dense', units: 2 }] }));
    await expect(describeLayersModelFile(join(dir, 'spec.json'))).rejects.toThrow(/spec\.json.*this file is not one/);
    await expect(describeLayersModelFile(join(dir, 'absent.json'))).rejects.toThrow(InvalidConfigError);
    expect(() => createTfjsBackend({ layersModel: 3 })).toThrow(/options\.layersModel/);
  });
});
