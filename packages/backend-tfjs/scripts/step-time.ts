/**
 * Times one replica's train step (computeGradients + applyGradients) for a preset model
 * in one thread. With `--compare-builtin` (wasm only) it alternates steps between our
 * kernels and tfjs's built-in Conv2DBackpropInput / BatchMatMul / MaxPoolGrad (wasm has no
 * Conv2DBackpropFilter, so ours stays in both), so both medians come from one run.
 * Run from the repo root:
 *   TSX_TSCONFIG_PATH=packages/backend-tfjs/tests/fixtures/tsconfig.worker.json \
 *     npx tsx packages/backend-tfjs/scripts/step-time.ts [--candidate wasm] [--model cnn] \
 *       [--batch 64] [--steps 20] [--compare-builtin]
 * The last line printed is one JSON object.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import type { PresetName } from '@syncline/core';
import { presetModelSpec } from '@syncline/core';
import { conformanceBatch } from '@syncline/core/testing';
import type { TfjsCandidate } from '../src/index';
import { TfjsBackend } from '../src/index';

const WARMUP_STEPS = 3;
const NUM_CLASSES = 10;
const SWAPPED_KERNELS = ['Conv2DBackpropInput', 'BatchMatMul', 'MaxPoolGrad'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function useKernels(configs: (tf.KernelConfig | undefined)[]): void {
  for (const k of configs) {
    if (!k) continue;
    tf.unregisterKernel(k.kernelName, k.backendName);
    tf.registerKernel(k);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      candidate: { type: 'string', default: 'wasm' },
      model: { type: 'string', default: 'cnn' },
      batch: { type: 'string', default: '64' },
      steps: { type: 'string', default: '20' },
      'compare-builtin': { type: 'boolean', default: false },
    },
  });
  const batchSize = Number(values.batch);
  const steps = Number(values.steps);
  const candidate = values.candidate as TfjsCandidate;
  const builtin = SWAPPED_KERNELS.map((name) => tf.getKernel(name, candidate));
  const spec = presetModelSpec(values.model as PresetName);
  const backend = new TfjsBackend({ candidates: [candidate] });
  const replica = await backend.createReplica(spec, { seed: 1 });
  const ours = SWAPPED_KERNELS.map((name) => tf.getKernel(name, candidate));
  const batches = [0, 1, 2, 3].map((k) => conformanceBatch(spec, batchSize, 100 + k, NUM_CLASSES));
  const variants = values['compare-builtin'] ? (['ours', 'builtin'] as const) : (['ours'] as const);
  const times: Record<string, number[]> = { ours: [], builtin: [] };
  for (let s = 0; s < WARMUP_STEPS + steps; s++) {
    for (const variant of variants) {
      useKernels(variant === 'ours' ? ours : builtin);
      const t0 = performance.now();
      const g = await replica.computeGradients(batches[s % batches.length]!);
      await replica.applyGradients(g.gradients.map((v) => v / batchSize));
      if (s >= WARMUP_STEPS) times[variant]!.push(performance.now() - t0);
    }
  }
  useKernels(ours);
  await replica.dispose();
  const result: Record<string, unknown> = {
    backend: backend.selected?.tfjsBackend,
    model: values.model,
    batch: batchSize,
    steps,
    stepMsMedian: median(times['ours']!),
    stepMsMin: Math.min(...times['ours']!),
    imagesPerSec: (batchSize * 1000) / median(times['ours']!),
  };
  if (values['compare-builtin']) {
    result['builtinStepMsMedian'] = median(times['builtin']!);
    result['builtinStepMsMin'] = Math.min(...times['builtin']!);
    result['speedup'] = median(times['builtin']!) / median(times['ours']!);
  }
  console.log(
    `${values.model} batch ${batchSize} on ${result['backend']}: step median ${median(times['ours']!).toFixed(1)} ms` +
      (values['compare-builtin'] ? `; with tfjs's built-in kernels ${median(times['builtin']!).toFixed(1)} ms` : ''),
  );
  console.log(JSON.stringify(result));
}

void main();
