/**
 * `npm run bench -- pjrt [--model mlp|cnn] [--replicas 2] [--global-batch 64] [--rounds 5] [--steps-per-round 64] [--json]`
 *
 * Per-step host overhead of the compiled (TPUStrategy-style) train step on the XLA CPU
 * PJRT plugin, for stepsPerExecution 1, 8 and 32 side by side in one run.
 *
 * 1. Compile one program per k (same model, same weights seed); warm each up.
 * 2. Interleave rounds over the three programs (k = 1, 8, 32), each round running enough
 *    calls for ~--steps-per-round steps, and record the wall time of every call
 *    (host staging + upload + execute + metrics readback).
 * 3. Fit wall(call) = overhead + k * compute by least squares over all calls: `compute`
 *    is the device time of one step, `overhead` the fixed host cost of one call.
 * 4. Per-step host overhead for each k = median(wall / k) - compute (and, from the fit
 *    alone, overhead / k); the baseline is k = 1 (one host round trip per step, as an
 *    orchestrated loop pays).
 * With --json the last line is one JSON object with every figure.
 */
import { presetModelSpec, Xoshiro128, type Batch, type ModelSpec } from '@syncline/core';
import { createPjrtBackend, findCpuPlugin } from '@syncline/tpu-bridge';

const KS = [1, 8, 32] as const;
const WARMUP_CALLS = 2;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function batches(spec: ModelSpec, count: number, size: number, seed: number): Batch[] {
  const prng = new Xoshiro128(seed);
  const n = spec.inputShape.reduce((a, b) => a * b, 1);
  return Array.from({ length: count }, () => ({
    x: Float32Array.from({ length: size * n }, () => prng.nextFloat()),
    y: Int32Array.from({ length: size }, () => prng.nextBelow(10)),
    size,
    exampleShape: spec.inputShape,
  }));
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const model = arg('model', 'mlp') as 'mlp' | 'cnn';
  const replicas = Number(arg('replicas', '2'));
  const globalBatch = Number(arg('global-batch', '64'));
  const rounds = Number(arg('rounds', model === 'cnn' ? '1' : '5'));
  const stepsPerRound = Number(arg('steps-per-round', model === 'cnn' ? '32' : '64'));
  const plugin = findCpuPlugin();
  if (!plugin.path) {
    console.error(plugin.reason);
    if (json) console.log(JSON.stringify({ bench: 'pjrt', skipped: plugin.reason }));
    process.exit(json ? 0 : 1);
  }
  if (globalBatch % replicas !== 0) throw new Error(`--global-batch ${globalBatch} must be a multiple of --replicas ${replicas}`);
  const perReplica = globalBatch / replicas;
  const spec = presetModelSpec(model);
  const backend = createPjrtBackend({ pluginPath: plugin.path, deviceCount: replicas });
  const pool = batches(spec, 32 * replicas, perReplica, 1);
  const stacked = (k: number) => ({ steps: k, batches: Array.from({ length: k }, (_, s) => pool.slice((s % 32) * replicas, (s % 32) * replicas + replicas)) });
  const programs = [];
  for (const k of KS) {
    const t0 = performance.now();
    const program = await backend.compile(spec, { numReplicas: replicas, perReplicaBatch: perReplica, stepsPerExecution: k, seed: 7 });
    const compileMs = performance.now() - t0;
    for (let i = 0; i < WARMUP_CALLS; i++) await program.trainSteps(stacked(k));
    programs.push({ k, program, compileMs, calls: [] as number[], input: stacked(k) });
    if (!json) console.error(`  compiled k=${k} in ${compileMs.toFixed(0)} ms`);
  }
  for (let round = 0; round < rounds; round++) {
    for (const p of programs) {
      const calls = Math.max(1, Math.round(stepsPerRound / p.k));
      for (let c = 0; c < calls; c++) {
        const t0 = performance.now();
        await p.program.trainSteps(p.input);
        p.calls.push(performance.now() - t0);
      }
    }
  }
  // Least squares fit of wall = overhead + k * compute over every call.
  const pts = programs.flatMap((p) => p.calls.map((ms) => [p.k, ms] as const));
  const mk = pts.reduce((a, [k]) => a + k, 0) / pts.length;
  const mw = pts.reduce((a, [, w]) => a + w, 0) / pts.length;
  const computeMs = pts.reduce((a, [k, w]) => a + (k - mk) * (w - mw), 0) / pts.reduce((a, [k]) => a + (k - mk) ** 2, 0);
  const fixedMs = mw - computeMs * mk;
  const rows = programs.map((p) => {
    const perStep = median(p.calls.map((ms) => ms / p.k));
    return {
      stepsPerExecution: p.k,
      calls: p.calls.length,
      compileMs: +p.compileMs.toFixed(0),
      medianCallMs: +median(p.calls).toFixed(3),
      perStepMs: +perStep.toFixed(3),
      perStepHostOverheadMs: +(perStep - computeMs).toFixed(3),
      fitHostOverheadPerStepMs: +(fixedMs / p.k).toFixed(4),
    };
  });
  const base = rows[0]!;
  for (const p of programs) await p.program.dispose();
  await backend.close();
  console.log(
    `\n${model}, ${replicas} CPU devices, global batch ${globalBatch}; fit: ${computeMs.toFixed(3)} ms compute per step + ${fixedMs.toFixed(3)} ms host per call`,
  );
  console.log(['k', 'median call ms', 'per step ms', 'host overhead/step ms', 'vs k=1'].map((c) => c.padStart(22)).join(''));
  for (const r of rows) {
    const ratio = base.perStepHostOverheadMs > 0 ? (r.perStepHostOverheadMs / base.perStepHostOverheadMs).toFixed(3) : '-';
    console.log([r.stepsPerExecution, r.medianCallMs, r.perStepMs, r.perStepHostOverheadMs, ratio].map((c) => String(c).padStart(22)).join(''));
  }
  if (json) {
    console.log(
      JSON.stringify({
        bench: 'pjrt',
        plugin: plugin.path,
        model,
        replicas,
        globalBatch,
        fit: { computeMsPerStep: +computeMs.toFixed(4), hostMsPerCall: +fixedMs.toFixed(4) },
        rows,
        baseline: { stepsPerExecution: 1, perStepMs: base.perStepMs, perStepHostOverheadMs: base.perStepHostOverheadMs },
        speedupPerStep: Object.fromEntries(rows.map((r) => [`k${r.stepsPerExecution}`, +(base.perStepMs / r.perStepMs).toFixed(3)])),
      }),
    );
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
