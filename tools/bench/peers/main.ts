/**
 * `npm run bench -- peers [--json] [--rounds N]`: images/s of the CNN preset's training step
 * (computeGradients + applyGradients with the mean gradient, Adam) at batch 64 and 256 on
 * one thread, for backend-onnx, backend-tfjs on tfjs-node ("tfjs-node") and on wasm ("tfjs"),
 * and PyTorch CPU, side by side; then the same for resnet-small.json, onnx against PyTorch
 * (resnet.ts; `--model resnet [--onnx-profile PREFIX]` runs only those rows, optionally writing
 * ORT's per-op JSON profile of the onnx replica). `--model mlp` runs mlp.ts instead: the
 * MLP under MirroredStrategy against PyTorch DDP.
 * 1. build one replica per JS backend (ORT intraOpNumThreads 1; tfjs-node with
 *    TF_NUM_INTRAOP_THREADS=1 unless the environment sets it; tfjs wasm is single-threaded);
 *    the two tfjs replicas share this thread's tfjs engine, so the active tfjs backend is
 *    switched to each one's before its segment (and one untimed step moves its weights back);
 * 2. PyTorch runs as a persistent child Python (torch-child.ts; torch.set_num_threads(1)) that answers
 *    "BATCH STEPS" requests, so every round alternates short segments onnx, torch, tfjs at
 *    each batch size and machine-load drift hits them alike;
 * 3. report each impl's median over rounds, and the median over rounds of the paired
 *    onnx/torch and tfjs-node/torch ratios (each pair measured back to back).
 * `--python PATH` picks the interpreter whose torch is measured (default /usr/bin/python3,
 * then python3); the torch note names its BLAS and warns when it is the reference one.
 * With --json the last line is one JSON object: { rows: [{impl, batch, imagesPerSec}], ..., resnet: { rows, ratios, ... } }.
 */
import { spawnSync } from 'node:child_process';
import { presetModelSpec, type ReplicaProgram, type Batch } from '@syncline/core';
import { createOnnxBackend } from '@syncline/backend-onnx';
import * as backendTfjs from '@syncline/backend-tfjs';
import { runMlpPeers } from './mlp';
import { runResnetPeers } from './resnet';
import { median, randomBatch } from './stats-batch';
import { startTorchChild } from './torch-child';

const BATCHES = [64, 256];
const WARMUP_STEPS = 3;
/** Timed steps per round: enough for ~1 s of the fastest impl. */
const STEPS: Record<number, number> = { 64: 10, 256: 4 };
const TFJS_STEPS: Record<number, number> = { 64: 3, 256: 1 };
const PYTHON_CANDIDATES = ['/usr/bin/python3', 'python3'];

interface Row {
  impl: 'onnx' | 'tfjs' | 'tfjs-node' | 'torch';
  batch: number;
  imagesPerSec: number;
}

const json = process.argv.includes('--json');
const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 5;
const log = (s: string): void => console.log(s);

async function step(r: ReplicaProgram, batch: Batch): Promise<void> {
  const g = await r.computeGradients(batch);
  const mean = g.gradients;
  for (let i = 0; i < mean.length; i++) mean[i] = mean[i]! / batch.size;
  await r.applyGradients(mean);
}

async function timeSteps(r: ReplicaProgram, batch: Batch, steps: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    await step(r, batch);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return (batch.size * 1000) / times[Math.floor(times.length / 2)]!;
}

type TfjsModule = typeof backendTfjs;

async function tryTfjs(): Promise<{ mod?: TfjsModule; why?: string }> {
  return typeof backendTfjs.createTfjsBackend === 'function' ? { mod: backendTfjs } : { why: '@syncline/backend-tfjs exports no createTfjsBackend' };
}

/** The tfjs impls and the tfjs backend candidate each runs on. */
const TFJS_IMPLS = { 'tfjs-node': 'node', tfjs: 'wasm' } as const;

/**
 * Which BLAS torch's matmul runs on, read from the libraries the process mapped. Debian's
 * python3-torch links the generic libblas.so.3, which is the slow reference BLAS unless
 * OpenBLAS is installed (then update-alternatives points it there): 927 against 1,864
 * images/s at batch 64 on this machine.
 */
const TORCH_PROBE = [
  'import torch',
  'torch.ones(64, 64) @ torch.ones(64, 64)',
  'maps = open("/proc/self/maps").read()',
  'cfg = torch.__config__.show()',
  'blas = "mkl" if "BLAS_INFO=mkl" in cfg else "openblas" if "openblas" in maps else "reference" if "blas/libblas" in maps else "unknown"',
  'print(torch.__version__, blas)',
].join('\n');

function findTorch(): { python?: string; why: string; blas?: string } {
  const given = process.argv.indexOf('--python');
  const candidates = given > 0 ? [process.argv[given + 1]!] : PYTHON_CANDIDATES;
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', TORCH_PROBE], { encoding: 'utf8' });
    if (r.status !== 0) continue;
    const [version, blas] = r.stdout.trim().split(' ');
    const warn =
      blas === 'reference'
        ? '; WARNING: the reference BLAS makes torch ~2x slower than it can be: apt-get install libopenblas0-openmp (or bash tools/scripts/install.sh --bench)'
        : '';
    return { python: py, blas, why: `torch ${version} (${py}), BLAS ${blas}${warn}` };
  }
  return {
    why: `PyTorch is not installed for ${candidates.join(' or ')} (bash tools/scripts/install.sh --bench, or pip install torch; --python PATH picks an interpreter)`,
  };
}

/** Same weights and batch on onnx and tfjs: max relative gradient difference per tensor (issue: <= 1e-4). */
async function gradientParity(impls: Impl[], which: 'tfjs' | 'tfjs-node'): Promise<Record<string, number> | string> {
  const onnx = impls.find((i) => i.impl === 'onnx')?.replica;
  const found = impls.find((i) => i.impl === which);
  const tfjs = found?.replica;
  if (!onnx || !tfjs) return `${which} unavailable`;
  await found.activate?.();
  await tfjs.setWeights(await onnx.getWeights());
  const batch = randomBatch(32, 12345);
  const [a, b] = [await onnx.computeGradients(batch), await tfjs.computeGradients(batch)];
  const out: Record<string, number> = { lossSumRelDiff: Math.abs(a.lossSum - b.lossSum) / Math.abs(b.lossSum) };
  for (const e of onnx.layout.entries) {
    let d = 0;
    let n = 0;
    for (let i = e.offset; i < e.offset + e.size; i++) {
      d += (a.gradients[i]! - b.gradients[i]!) ** 2;
      n += b.gradients[i]! ** 2;
    }
    out[e.name] = Number(Math.sqrt(d / n).toExponential(2));
  }
  log(`gradient parity onnx vs ${which} (relative L2 per tensor, same weights and batch): ${JSON.stringify(out)}`);
  return out;
}

interface Impl {
  impl: Row['impl'];
  replica: ReplicaProgram;
  /** Makes this impl's tfjs backend the active one in this thread (tfjs impls only). */
  activate?: () => Promise<void>;
}

async function main(): Promise<void> {
  const model = process.argv.includes('--model') ? process.argv[process.argv.indexOf('--model') + 1] : undefined;
  if (model === 'mlp') return runMlpPeers();
  if (model === 'resnet') {
    const torch = findTorch();
    const profileAt = process.argv.indexOf('--onnx-profile');
    const profileFilePrefix = profileAt > 0 ? process.argv[profileAt + 1] : undefined;
    const resnet = await runResnetPeers({ rounds, python: torch.python, torchNote: torch.why, log, profileFilePrefix });
    if (json) console.log(JSON.stringify({ bench: 'peers', threads: 1, rounds, resnet }));
    return;
  }
  // One thread for TensorFlow too (read when tfjs-node loads), unless the environment says otherwise.
  const tfThreads = process.env.TF_NUM_INTRAOP_THREADS ?? (process.env.TF_NUM_INTRAOP_THREADS = '1');
  const spec = presetModelSpec('cnn');
  const impls: Impl[] = [];
  impls.push({ impl: 'onnx', replica: await createOnnxBackend({ intraOpNumThreads: 1 }).createReplica(spec, { seed: 1 }) });
  const tfjs = await tryTfjs();
  const notes: string[] = [];
  if (!tfjs.mod) notes.push(tfjs.why!);
  for (const [impl, candidate] of Object.entries(TFJS_IMPLS) as [keyof typeof TFJS_IMPLS, 'wasm' | 'node'][]) {
    if (!tfjs.mod) break;
    const mod = tfjs.mod;
    const activate = async (): Promise<void> => void (await mod.selectTfjsBackend({ candidates: [candidate], logger: mod.silentLogger }));
    try {
      const backend = mod.createTfjsBackend({ candidates: [candidate] });
      const selected = await backend.ready();
      impls.push({ impl, replica: await backend.createReplica(spec, { seed: 1 }), activate });
      notes.push(`${impl}: backend-tfjs on ${selected.candidate} (${selected.details})${candidate === 'node' ? `, TF_NUM_INTRAOP_THREADS=${tfThreads}` : ''}`);
    } catch (e) {
      notes.push(`${impl}: unavailable: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  const parity = { tfjs: await gradientParity(impls, 'tfjs'), 'tfjs-node': await gradientParity(impls, 'tfjs-node') };
  const torch = findTorch();
  log(`peers: CNN preset training step, one thread, ${rounds} rounds; ${notes.join('; ')}; torch: ${torch.why}`);
  const torchProc = torch.python ? await startTorchChild(torch.python, 'torch_cnn_step.py', BATCHES) : undefined;
  const samples = new Map<string, number[]>();
  const pairRatios = new Map<string, number[]>();
  const add = (r: Row): void =>
    void (samples.get(`${r.impl}@${r.batch}`) ?? samples.set(`${r.impl}@${r.batch}`, []).get(`${r.impl}@${r.batch}`)!).push(r.imagesPerSec);
  const addRatio = (key: string, v: number): void => void (pairRatios.get(key) ?? pairRatios.set(key, []).get(key)!).push(v);
  const batches = new Map(BATCHES.map((b) => [b, randomBatch(b, 12345)]));
  for (const { replica, activate } of impls) {
    await activate?.();
    for (const b of batches.values()) for (let i = 0; i < WARMUP_STEPS; i++) await step(replica, b);
  }
  for (let round = 0; round < rounds; round++) {
    for (const [b, batch] of batches) {
      let torchIps = 0;
      for (const { impl, replica, activate } of impls) {
        if (activate) {
          await activate();
          await step(replica, batch); // untimed: moves the weights to the now active tfjs backend
        }
        const ips = await timeSteps(replica, batch, impl === 'tfjs' ? TFJS_STEPS[b]! : STEPS[b]!);
        add({ impl, batch: b, imagesPerSec: ips });
        if (impl === 'onnx' && torchProc) {
          const t = await torchProc.run(b, STEPS[b]!);
          add(t);
          torchIps = t.imagesPerSec;
          addRatio(`onnxOverTorch@${b}`, ips / torchIps);
        }
        if (impl === 'tfjs-node' && torchIps > 0) addRatio(`tfjsNodeOverTorch@${b}`, ips / torchIps);
      }
    }
    log(`round ${round + 1}/${rounds}: ${[...samples].map(([k, v]) => `${k} ${v[v.length - 1]!.toFixed(0)}`).join(', ')}`);
  }
  for (const { replica } of impls) await replica.dispose();
  torchProc?.close();
  const rows: Row[] = [...samples].map(([k, v]) => {
    const [impl, batch] = k.split('@') as [Row['impl'], string];
    return { impl, batch: Number(batch), imagesPerSec: Math.round(median(v)) };
  });
  const ratios: Record<string, number> = {};
  for (const [k, rs] of pairRatios) ratios[k] = Number(median(rs).toFixed(3));
  for (const r of rows) log(`${r.impl.padEnd(9)} batch ${String(r.batch).padStart(3)}: ${r.imagesPerSec} images/s`);
  for (const [k, v] of Object.entries(ratios)) log(`${k}: ${v}x (median of ${rounds} pairs measured back to back)`);
  const resnet = await runResnetPeers({ rounds, python: torch.python, torchNote: torch.why, log });
  if (json) {
    console.log(
      JSON.stringify({
        bench: 'peers',
        model: 'cnn',
        threads: 1,
        rounds,
        rows,
        ratios,
        gradientParity: parity,
        tfjs: notes.join('; '),
        torch: torch.why,
        torchBlas: torch.blas ?? null,
        resnet,
      }),
    );
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
export {};
