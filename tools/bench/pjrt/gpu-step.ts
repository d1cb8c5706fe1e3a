/**
 * Our side of tools/gpu-check.sh: the CNN preset's compiled train step through a PJRT
 * plugin given by --plugin (the CUDA plugin from jax-cuda13-pjrt), one device, global
 * batch --batch, for --steps steps after a warm-up, with stepsPerExecution 1 and 8.
 * Prints one JSON line: {"framework": "syncline-pjrt", rows: [{k, ms_per_step}], ...}.
 * Data are random (fixed seed): step time does not depend on the values.
 */
import { presetModelSpec, Xoshiro128, type Batch } from '@syncline/core';
import { createPjrtBackend } from '@syncline/tpu-bridge';

const KS = [1, 8];
const WARMUP_STEPS = 16;

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : fallback;
  if (v === undefined) throw new Error(`missing --${name}`);
  return v;
}

async function main(): Promise<void> {
  const pluginPath = arg('plugin');
  const steps = Number(arg('steps', '200'));
  const batch = Number(arg('batch', '64'));
  const spec = presetModelSpec('cnn');
  const prng = new Xoshiro128(0);
  const pool: Batch[] = Array.from({ length: 16 }, () => ({
    x: Float32Array.from({ length: batch * 784 }, () => prng.nextFloat()),
    y: Int32Array.from({ length: batch }, () => prng.nextBelow(10)),
    size: batch,
    exampleShape: spec.inputShape,
  }));
  const backend = createPjrtBackend({ pluginPath });
  const device = backend.client().devices[0];
  const rows = [];
  for (const k of KS) {
    const program = await backend.compile(spec, { numReplicas: 1, perReplicaBatch: batch, stepsPerExecution: k, seed: 0 });
    const input = { steps: k, batches: Array.from({ length: k }, (_, s) => [pool[s % pool.length]!]) };
    for (let s = 0; s < WARMUP_STEPS; s += k) await program.trainSteps(input);
    const calls = Math.max(1, Math.round(steps / k));
    const t0 = performance.now();
    let last = 0;
    for (let c = 0; c < calls; c++) last = (await program.trainSteps(input))[k - 1]!.lossSum / batch;
    const ms = (performance.now() - t0) / (calls * k);
    rows.push({ k, ms_per_step: +ms.toFixed(4), final_loss: +last.toFixed(4) });
    await program.dispose();
  }
  const platform = backend.client().platformName;
  await backend.close();
  console.log(JSON.stringify({ framework: 'syncline-pjrt', plugin: pluginPath, platform, device: device?.kind, batch, steps, rows }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
