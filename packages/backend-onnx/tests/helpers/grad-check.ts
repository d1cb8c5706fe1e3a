/**
 * Test harness for reverse-mode rules: builds `y = forward(inputs)` with GraphBuilder,
 * differentiates L = sum(y * R) (R random, fed as y's gradient) with the package's autodiff,
 * and compares against central finite differences (L evaluated in float64 from ORT's
 * float32 outputs) on sampled coordinates of every checked input.
 */
import * as ort from 'onnxruntime-node';
import { differentiate } from '../../src/graph/autodiff';
import { constIntsOf } from '../../src/graph/constant-values';
import { GraphBuilder } from '../../src/graph/graph-builder';
import { probeShapes } from '../../src/graph/probe-shapes';
import { DataType, encodeModel } from '../../src/proto/onnx-proto';
import { createSession } from '../../src/replica/session-options';

export interface CheckInput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
  /** Check this input's gradient (default true). */
  readonly check?: boolean;
}

export interface GradCheckResult {
  /** ||analytic - numeric|| / ||numeric|| over the sampled coordinates, per input. */
  readonly relErr: Record<string, number>;
  readonly gradShapes: Record<string, number[]>;
}

/** Seeded uniform values in [lo, hi). */
export function seededUniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = lo + (hi - lo) * (s / 4294967296);
  }
  return out;
}

/** Builds forward + gradient graph; the gradient of sum(y * seed_grad) w.r.t. each checked input. */
async function buildGradGraph(inputs: readonly CheckInput[], forward: (b: GraphBuilder) => string) {
  const b = new GraphBuilder('gradcheck');
  for (const i of inputs) b.addInput(i.name, DataType.FLOAT, i.shape);
  const y = forward(b);
  const feeds: Record<string, ort.Tensor> = {};
  for (const i of inputs) feeds[i.name] = new ort.Tensor('float32', i.data, [...i.shape]);
  const shapes = await probeShapes(b.toModel(), feeds, []);
  const yShape = shapes.get(y)!;
  const forwardNodes = [...b.nodes];
  const seedName = b.addInput('seed_grad', DataType.FLOAT, yShape);
  const wrt = inputs.filter((i) => i.check !== false).map((i) => i.name);
  const grads = differentiate({ b, shape: (n) => shapes.get(n) ?? fail(n), constInts: constIntsOf(b) }, forwardNodes, new Map([[y, seedName]]), wrt);
  b.addOutput(y, DataType.FLOAT);
  grads.forEach((g, k) => {
    const out = `grad_out_${k}`;
    b.node('Identity', [g], [out]);
    b.addOutput(out, DataType.FLOAT);
  });
  const session = await createSession(encodeModel(b.toModel()), 'grad-check');
  return { y, yShape, feeds, wrt, session };
}

/** The analytic gradient of sum(y * seed) (seed: ones unless given), per checked input. */
export async function gradientOf(
  inputs: readonly CheckInput[],
  forward: (b: GraphBuilder) => string,
  seed?: Float32Array,
): Promise<Record<string, Float32Array>> {
  const { yShape, feeds, wrt, session } = await buildGradGraph(inputs, forward);
  try {
    feeds.seed_grad = new ort.Tensor('float32', seed ?? new Float32Array(yShape.reduce((a, c) => a * c, 1)).fill(1), yShape);
    const res = await session.run(feeds);
    return Object.fromEntries(wrt.map((name, k) => [name, res[`grad_out_${k}`]!.data as Float32Array]));
  } finally {
    await session.release();
  }
}

export async function gradCheck(
  inputs: readonly CheckInput[],
  forward: (b: GraphBuilder) => string,
  { eps = 1e-3, samples = 24, seed = 7 }: { eps?: number; samples?: number; seed?: number } = {},
): Promise<GradCheckResult> {
  const { y, yShape, feeds, wrt, session } = await buildGradGraph(inputs, forward);
  try {
    const r = seededUniform(
      yShape.reduce((a, c) => a * c, 1),
      seed + 1,
    );
    feeds.seed_grad = new ort.Tensor('float32', r, yShape);
    const res = await session.run(feeds);
    const loss = async (): Promise<number> => {
      const out = (await session.run(feeds, [y]))[y]!.data as Float32Array;
      let s = 0;
      for (let i = 0; i < out.length; i++) s += out[i]! * r[i]!;
      return s;
    };
    const relErr: Record<string, number> = {};
    const gradShapes: Record<string, number[]> = {};
    for (let k = 0; k < wrt.length; k++) {
      const input = inputs.find((i) => i.name === wrt[k])!;
      const g = res[`grad_out_${k}`]!;
      gradShapes[input.name] = [...g.dims];
      const analytic = g.data as Float32Array;
      const picks = seededUniform(samples, seed + 10 + k, 0, input.data.length);
      let num2 = 0;
      let diff2 = 0;
      for (const p of picks) {
        const idx = Math.floor(p);
        const orig = input.data[idx]!;
        input.data[idx] = orig + eps;
        const up = await loss();
        input.data[idx] = orig - eps;
        const down = await loss();
        input.data[idx] = orig;
        const fd = (up - down) / (2 * eps);
        num2 += fd * fd;
        diff2 += (fd - analytic[idx]!) ** 2;
      }
      relErr[input.name] = Math.sqrt(diff2) / Math.max(Math.sqrt(num2), 1e-6);
    }
    return { relErr, gradShapes };
  } finally {
    await session.release();
  }
}

function fail(name: string): never {
  throw new Error(`no probed shape for ${name}`);
}
