/**
 * The ResNet rows of `npm run bench -- peers` (issue 17): images/s of the training step of
 * apps/trainer/models/resnet-small.json (conv + batchNormalization stem, two residual blocks
 * with adds, global average pooling, dense softmax head; Adam under warmup+cosine) on one
 * thread, backend-onnx against the same network in PyTorch (torch_resnet_step.py: NCHW,
 * the layout PyTorch users use by default; BatchNorm2d momentum 0.01 / eps 1e-3 as Keras'
 * 0.99 / 1e-3), measured the way main.ts measures the CNN:
 * 1. one onnx replica (ORT intraOpNumThreads 1), a persistent torch child (1 thread);
 * 2. every round alternates, per batch size, a segment of onnx steps and right after it
 *    the same number of torch steps, so each pair meets the same machine load;
 * 3. each impl's median over rounds and the median of the paired onnx/torch ratios; plus
 *    onnx's median ms in computeGradients and in applyGradients (where its step goes).
 * tfjs is left out here: the CNN rows already compare it, and on wasm this model is slow.
 * First figures (2-core EPYC, torch 1.13 + OpenBLAS): onnx ~0.56x torch at batch 64, ~0.52x
 * at 256; ORT's profile put the gap in the convolutions' backward pass (dW as an im2col
 * GEMM plus its Slice/Concat/Transpose copies, dX as ConvTranspose), then the expanded
 * BatchNormalization. Since then (paired A/B per change at batch 64): training BN as one
 * inference-form node on batch statistics with a closed-form backward 1.16x; dW's GEMM as
 * patches [9C, NP] x g [NP, O] (big operand unpacked; patches one Gather) ~1.25x over three
 * steps; dX and the forward Convs through ORT's NCHWc kernels (rules/nchwc-conv.ts: ORT
 * does that itself only for constant weights) 1.12x and 1.14x. Now ~1.01-1.06x at 64,
 * ~0.90-0.96x at 256 (two 5-round runs). Per step at 64 (~56 ms of ORT nodes): NCHWc Conv
 * ~18 (forward ~9, dX ~9), dW GEMMs ~11, Transpose ~6 (dW's layouts ~2.5, MaxPool's
 * backward ~1.7), MaxPool's backward elementwise ~3.5, batch-statistics BN ~6, Gather
 * patches ~3, NCHWc reorders ~2.
 * PyTorch in channels_last runs this model ~1.4x faster than in NCHW (its NCHW MaxPool2d
 * is slow); the peer stays NCHW, the layout PyTorch code uses unless it opts in.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseModelSpec, type Batch, type ReplicaProgram } from '@syncline/core';
import { createOnnxBackend } from '@syncline/backend-onnx';
import { median, randomBatch } from './stats-batch';
import { startTorchChild } from './torch-child';

const SPEC_PATH = join(__dirname, '..', '..', '..', 'apps', 'trainer', 'models', 'resnet-small.json');
const BATCHES = [64, 256];
const WARMUP_STEPS = 3;
/** Timed steps per segment (~0.5 s of either impl at batch 64 on this machine). */
const STEPS: Record<number, number> = { 64: 8, 256: 3 };

export interface ResnetRow {
  impl: 'onnx' | 'torch';
  batch: number;
  imagesPerSec: number;
}

export interface ResnetResult {
  model: string;
  rows: ResnetRow[];
  /** `onnxOverTorch@<batch>`: median of the paired ratios. */
  ratios: Record<string, number>;
  /** onnx's median ms per step phase at each batch size. */
  onnxPhasesMs: Record<string, { computeGradients: number; applyGradients: number }>;
  torch: string;
}

/** One step as a data-parallel job does it (gradient of the summed loss, divided by the batch), timed by phase. */
async function step(r: ReplicaProgram, batch: Batch): Promise<[number, number]> {
  const t0 = performance.now();
  const g = await r.computeGradients(batch);
  const mean = g.gradients;
  for (let i = 0; i < mean.length; i++) mean[i] = mean[i]! / batch.size;
  const t1 = performance.now();
  await r.applyGradients(mean);
  return [t1 - t0, performance.now() - t1];
}

export interface ResnetOptions {
  rounds: number;
  /** The interpreter whose torch is measured (main.ts's findTorch); undefined: onnx rows only. */
  python?: string;
  /** What main.ts found about torch (version, BLAS), repeated in the result. */
  torchNote: string;
  log: (s: string) => void;
  /** ORT per-op profile file prefix (profiling runs only; it slows the step). */
  profileFilePrefix?: string;
}

export async function runResnetPeers(o: ResnetOptions): Promise<ResnetResult> {
  const spec = parseModelSpec(JSON.parse(readFileSync(SPEC_PATH, 'utf8')), SPEC_PATH);
  const session = { intraOpNumThreads: 1, ...(o.profileFilePrefix ? { profileFilePrefix: o.profileFilePrefix } : {}) };
  const onnx = await createOnnxBackend(session).createReplica(spec, { seed: 1 });
  const torch = o.python ? await startTorchChild(o.python, 'torch_resnet_step.py', BATCHES) : undefined;
  const batches = new Map(BATCHES.map((b) => [b, randomBatch(b, 4242)]));
  for (const b of batches.values()) for (let i = 0; i < WARMUP_STEPS; i++) await step(onnx, b);
  const samples = new Map<string, number[]>();
  const push = <T>(m: Map<string, T[]>, k: string, v: T): void => void (m.get(k) ?? m.set(k, []).get(k)!).push(v);
  const phases = new Map<string, [number, number][]>();
  try {
    for (let round = 0; round < o.rounds; round++) {
      for (const [b, batch] of batches) {
        const times: [number, number][] = [];
        for (let i = 0; i < STEPS[b]!; i++) times.push(await step(onnx, batch));
        for (const t of times) push(phases, String(b), t);
        const ips = (b * 1000) / median(times.map(([c, a]) => c + a));
        push(samples, `onnx@${b}`, ips);
        if (torch) {
          const t = await torch.run(b, STEPS[b]!);
          push(samples, `torch@${b}`, t.imagesPerSec);
          push(samples, `onnxOverTorch@${b}`, ips / t.imagesPerSec);
        }
      }
      o.log(
        `resnet round ${round + 1}/${o.rounds}: ${[...samples].map(([k, v]) => `${k} ${v[v.length - 1]!.toFixed(k.startsWith('onnxOver') ? 3 : 0)}`).join(', ')}`,
      );
    }
  } finally {
    await onnx.dispose();
    torch?.close();
  }
  const rows: ResnetRow[] = [];
  const ratios: Record<string, number> = {};
  for (const [k, v] of samples) {
    const [impl, batch] = k.split('@') as [string, string];
    if (impl === 'onnxOverTorch') ratios[k] = Number(median(v).toFixed(3));
    else rows.push({ impl: impl as ResnetRow['impl'], batch: Number(batch), imagesPerSec: Math.round(median(v)) });
  }
  const onnxPhasesMs: ResnetResult['onnxPhasesMs'] = {};
  for (const [b, ts] of phases) {
    onnxPhasesMs[b] = { computeGradients: Number(median(ts.map((t) => t[0])).toFixed(2)), applyGradients: Number(median(ts.map((t) => t[1])).toFixed(2)) };
  }
  for (const r of rows) o.log(`resnet ${r.impl.padEnd(5)} batch ${String(r.batch).padStart(3)}: ${r.imagesPerSec} images/s`);
  for (const [k, v] of Object.entries(ratios)) o.log(`resnet ${k}: ${v}x (median of ${o.rounds} pairs measured back to back)`);
  o.log(`resnet onnx phases (median ms): ${JSON.stringify(onnxPhasesMs)}`);
  return { model: spec.name ?? 'resnet-small', rows, ratios, onnxPhasesMs, torch: o.torchNote };
}
