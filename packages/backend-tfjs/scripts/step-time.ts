/**
 * Times one replica's train step (computeGradients + applyGradients) for a preset model,
 * one thread. Run from the repo root:
 *   TSX_TSCONFIG_PATH=packages/backend-tfjs/tests/fixtures/tsconfig.worker.json \
 *     npx tsx packages/backend-tfjs/scripts/step-time.ts [--candidate wasm] [--model cnn] [--batch 64] [--steps 20]
 * Prints the median and quartiles in ms, and the last line as one JSON object.
 */
import { parseArgs } from 'node:util';
import type { PresetName } from '@syncline/core';
import { presetModelSpec } from '@syncline/core';
import { conformanceBatch } from '@syncline/core/testing';
import type { TfjsCandidate } from '../src/index';
import { TfjsBackend } from '../src/index';

const WARMUP_STEPS = 3;
const NUM_CLASSES = 10;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      candidate: { type: 'string', default: 'wasm' },
      model: { type: 'string', default: 'cnn' },
      batch: { type: 'string', default: '64' },
      steps: { type: 'string', default: '20' },
    },
  });
  const batchSize = Number(values.batch);
  const steps = Number(values.steps);
  const spec = presetModelSpec(values.model as PresetName);
  const backend = new TfjsBackend({ candidates: [values.candidate as TfjsCandidate] });
  const replica = await backend.createReplica(spec, { seed: 1 });
  const batches = [0, 1, 2, 3].map((k) => conformanceBatch(spec, batchSize, 100 + k, NUM_CLASSES));
  const compute: number[] = [];
  const total: number[] = [];
  for (let s = 0; s < WARMUP_STEPS + steps; s++) {
    const t0 = performance.now();
    const g = await replica.computeGradients(batches[s % batches.length]!);
    const t1 = performance.now();
    await replica.applyGradients(g.gradients.map((v) => v / batchSize));
    const t2 = performance.now();
    if (s >= WARMUP_STEPS) {
      compute.push(t1 - t0);
      total.push(t2 - t0);
    }
  }
  await replica.dispose();
  compute.sort((a, b) => a - b);
  total.sort((a, b) => a - b);
  const result = {
    backend: backend.selected?.tfjsBackend,
    model: values.model,
    batch: batchSize,
    steps,
    stepMsMedian: quantile(total, 0.5),
    stepMsP25: quantile(total, 0.25),
    stepMsP75: quantile(total, 0.75),
    computeGradientsMsMedian: quantile(compute, 0.5),
    imagesPerSec: (batchSize * 1000) / quantile(total, 0.5),
  };
  console.log(
    `${result.model} batch ${batchSize} on ${result.backend}: step median ${result.stepMsMedian.toFixed(1)} ms ` +
      `(p25 ${result.stepMsP25.toFixed(1)}, p75 ${result.stepMsP75.toFixed(1)}; computeGradients ${result.computeGradientsMsMedian.toFixed(1)} ms), ` +
      `${result.imagesPerSec.toFixed(0)} images/s`,
  );
  console.log(JSON.stringify(result));
}

void main();
