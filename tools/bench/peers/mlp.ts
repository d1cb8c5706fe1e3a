/**
 * `npm run bench -- peers --model mlp [--json] [--rounds N] [--steps N] [--steps-per-execution N] [--backends LIST] [--phases] [--update sharded|replicated|both]`:
 * the README's main job (the source document's MLP, MirroredStrategy with 2 thread replicas
 * over shared memory, global batch 64, real Fashion-MNIST) on each orchestrated backend,
 * against PyTorch DDP (gloo, 2 processes x 1 thread, same model and global batch; run by
 * torch_ddp_mlp.py with /usr/bin/python3), in the same run:
 * 1. one strategy per backend (tfjs-node, tfjs on wasm, onnx) stays up for the whole run;
 *    tfjs-node's shared intra-op pool is 2 threads (2 replicas x 1, TF_NUM_INTRAOP_THREADS,
 *    unless the environment sets it), ORT one thread per replica, torch one per process;
 * 2. every round runs, per backend, one fit of `--steps` steps (one virtual epoch; its
 *    examples/s as fit measures it), and right after it the same number of DDP steps, so
 *    each pair meets the same machine load;
 * 3. report each one's median over rounds and the median of the paired Syncline/DDP ratios.
 * With --json the last line is { bench, model, rows: [{impl, imagesPerSec}], ratios, ... }.
 * --backends a,b keeps only those rows (names as printed: tfjs-node, tfjs, onnx).
 * --update: sharded (the default of MirroredStrategy and syncline train: all-reduce of the
 * metrics, reduce-scatter, 1/N of the update, all-gather), replicated (one all-reduce, every
 * replica applies the whole update), or both (rows `<backend>` and `<backend>-replicated`).
 * --phases also records every replica's step phases (core's StepProfiler) over the timed
 * fits and prints, per backend, the median ms of each phase (a step's phases sum to its time).
 */
import { spawn } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import {
  MirroredStrategy,
  loadFashionMnist,
  presetModelSpec,
  type BackendRef,
  type DistributedModel,
  type StepPhaseTimes,
  type StepProfiler,
} from '@syncline/core';
import { sharedMemory } from '@syncline/collective';
import { onnx } from '@syncline/backend-onnx';
import { tfjs } from '@syncline/backend-tfjs';
import { median } from './stats-batch';

// The young generation the syncline CLI gives every isolate it starts (apps/trainer/src/cli.ts),
// so this row measures the README's main job as `syncline train` runs it.
setFlagsFromString('--max-semi-space-size=2');

const DATA = '/usr/share/datasets/fashion-mnist';
const PYTHON = '/usr/bin/python3';
const REPLICAS = 2;
const GLOBAL_BATCH = 64;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** The DDP peer as a persistent process group answering "STEPS" with one JSON line. */
async function startDdp(): Promise<{ run(steps: number): Promise<number>; close(): void }> {
  const child = spawn(PYTHON, [join(__dirname, 'torch_ddp_mlp.py'), DATA, '--world', String(REPLICAS), '--global-batch', String(GLOBAL_BATCH), '--serve'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout });
  const waiting: { resolve: (l: string) => void; reject: (e: Error) => void }[] = [];
  const pending: string[] = [];
  lines.on('line', (l) => (waiting.length ? waiting.shift()!.resolve(l) : pending.push(l)));
  let exited: Error | undefined;
  child.once('exit', (code) => {
    exited = new Error(`torch DDP exited with ${code}: ${stderr.slice(-800)}`);
    for (const w of waiting.splice(0)) w.reject(exited);
  });
  const next = (): Promise<string> =>
    new Promise((resolve, reject) => {
      if (pending.length) return resolve(pending.shift()!);
      if (exited) return reject(exited);
      waiting.push({ resolve, reject });
    });
  for (;;) if ((JSON.parse(await next()) as { ready?: boolean }).ready) break;
  return {
    async run(steps) {
      child.stdin.write(`${steps}\n`);
      return (JSON.parse(await next()) as { imagesPerSec: number }).imagesPerSec;
    },
    close: () => child.stdin.end(),
  };
}

const PHASES = ['dataWaitMs', 'forwardBackwardMs', 'otherMs', 'allReduceMs', 'peerWaitMs', 'optimizerMs'] as const;

/** Collects every replica's phases of every step; `summary` gives the median of each (and of their sum). */
class PhaseRecorder implements StepProfiler {
  readonly #rows: StepPhaseTimes[] = [];
  replicaStep(_step: number, phases: StepPhaseTimes): void {
    this.#rows.push(phases);
  }
  summary(): Record<string, number> {
    const out: Record<string, number> = {};
    const med = (f: (p: StepPhaseTimes) => number): number => Number(median(this.#rows.map(f)).toFixed(3));
    for (const k of PHASES) out[k] = med((p) => p[k]);
    out.stepMs = med((p) => p.dataWaitMs + p.forwardBackwardMs + p.otherMs + p.allReduceMs + p.optimizerMs);
    return out;
  }
}

interface Entry {
  readonly impl: string;
  readonly strategy: MirroredStrategy;
  readonly model: DistributedModel;
  readonly phases: PhaseRecorder;
  readonly spe: number;
}

export async function runMlpPeers(): Promise<void> {
  const json = process.argv.includes('--json');
  const rounds = arg('rounds', 5);
  const steps = arg('steps', 200);
  // --steps-per-execution 1,8: one row per value (`<backend>-spe8` for values other than the first)
  const speList = (process.argv.includes('--steps-per-execution') ? process.argv[process.argv.indexOf('--steps-per-execution') + 1]! : '1')
    .split(',')
    .map(Number);
  if (speList.some((v) => !Number.isInteger(v) || v < 1)) throw new Error(`--steps-per-execution takes integers >= 1 separated by commas`);
  const spe = speList[0]!;
  const tfThreads = process.env.TF_NUM_INTRAOP_THREADS ?? (process.env.TF_NUM_INTRAOP_THREADS = String(REPLICAS));
  const { train } = loadFashionMnist(DATA);
  const only = process.argv.includes('--backends') ? process.argv[process.argv.indexOf('--backends') + 1]!.split(',') : undefined;
  const backends = (
    [
      ['tfjs-node', () => tfjs({ candidates: ['node'] })],
      ['tfjs', () => tfjs({ candidates: ['wasm'] })],
      ['onnx', () => onnx()],
    ] as [string, () => BackendRef][]
  )
    .filter(([impl]) => !only || only.includes(impl))
    .map(([impl, ref]): [string, BackendRef] => [impl, ref()]);
  const entries: Entry[] = [];
  const notes: string[] = [];
  const update = process.argv.includes('--update') ? process.argv[process.argv.indexOf('--update') + 1]! : 'sharded';
  const variants = ({ sharded: [true], replicated: [false], both: [true, false] } as Record<string, boolean[]>)[update];
  if (!variants) throw new Error(`--update is "${update}"; expected sharded, replicated or both`);
  const combos = backends.flatMap(([i, b]) =>
    variants.flatMap((shard) =>
      speList.map((k, j): [string, BackendRef, boolean, number] => [`${i}${shard ? '' : '-replicated'}${j > 0 ? `-spe${k}` : ''}`, b, shard, k]),
    ),
  );
  for (const [impl, backend, shard, k] of combos) {
    const strategy = new MirroredStrategy({ replicas: REPLICAS, backend, communicator: sharedMemory(), shardWeightUpdate: shard });
    try {
      const model = await strategy.createModel(presetModelSpec('mlp'), { seed: 42 });
      entries.push({ impl, strategy, model, phases: new PhaseRecorder(), spe: k });
    } catch (e) {
      await strategy.close();
      notes.push(`${impl} unavailable: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  const phases = process.argv.includes('--phases');
  const fitOnce = async (e: Entry, timed: boolean): Promise<number> => {
    const profiler = phases && timed ? { profiler: e.phases } : {};
    const h = await e.model.fit(train, {
      epochs: 1,
      globalBatchSize: GLOBAL_BATCH,
      virtualEpochSize: steps * GLOBAL_BATCH,
      seed: 1,
      stepsPerExecution: e.spe,
      ...profiler,
    });
    return h.history[0]!.examplesPerSec;
  };
  const ddp = await startDdp();
  console.log(
    `peers --model mlp: MirroredStrategy ${REPLICAS} thread replicas, global batch ${GLOBAL_BATCH}, stepsPerExecution ${speList.join(',')}, ${update} update, ${steps} steps x ${rounds} rounds ` +
      `(tfjs-node TF_NUM_INTRAOP_THREADS=${tfThreads}) vs PyTorch DDP gloo ${REPLICAS} processes x 1 thread (${PYTHON})${notes.length ? `; ${notes.join('; ')}` : ''}`,
  );
  for (const e of entries) await fitOnce(e, false); // warm-up
  await ddp.run(steps);
  const samples = new Map<string, number[]>();
  const ratios = new Map<string, number[]>();
  const push = (m: Map<string, number[]>, k: string, v: number): void => void (m.get(k) ?? m.set(k, []).get(k)!).push(v);
  for (let round = 0; round < rounds; round++) {
    const line: string[] = [];
    for (const e of entries) {
      const ips = await fitOnce(e, true);
      const torch = await ddp.run(steps);
      push(samples, e.impl, ips);
      push(samples, 'torch-ddp', torch);
      push(ratios, `${e.impl}OverDdp`, ips / torch);
      line.push(`${e.impl} ${ips.toFixed(0)} (ddp ${torch.toFixed(0)})`);
    }
    console.log(`round ${round + 1}/${rounds}: ${line.join(', ')}`);
  }
  ddp.close();
  for (const e of entries) await e.strategy.close();
  const rows = [...samples].map(([impl, v]) => ({ impl, replicas: REPLICAS, globalBatch: GLOBAL_BATCH, imagesPerSec: Math.round(median(v)) }));
  const ratioOut: Record<string, number> = {};
  for (const [k, v] of ratios) ratioOut[k] = Number(median(v).toFixed(3));
  for (const r of rows) console.log(`${r.impl.padEnd(10)} ${r.imagesPerSec} images/s`);
  for (const [k, v] of Object.entries(ratioOut)) console.log(`${k}: ${v}x (median of ${rounds} pairs measured back to back)`);
  const phaseOut = phases ? Object.fromEntries(entries.map((e) => [e.impl, e.phases.summary()])) : undefined;
  for (const [impl, p] of Object.entries(phaseOut ?? {})) {
    console.log(
      `${impl.padEnd(10)} phases (median ms per replica step): ${Object.entries(p)
        .map(([k, v]) => `${k.replace(/Ms$/, '')} ${v}`)
        .join(', ')}`,
    );
  }
  if (json)
    console.log(
      JSON.stringify({
        bench: 'peers',
        model: 'mlp',
        replicas: REPLICAS,
        globalBatch: GLOBAL_BATCH,
        stepsPerExecution: speList.length > 1 ? speList : spe,
        steps,
        rounds,
        rows,
        ratios: ratioOut,
        ...(phaseOut ? { phases: phaseOut } : {}),
        notes,
      }),
    );
}
