/**
 * Test reference: one data-parallel train step in float64 by plain loops: forward,
 * softmax cross-entropy summed over the global batch, backward, mean gradient, and the
 * tfjs optimizer formulas. Independent of the StableHLO emitter.
 */
import { inferShapes, pair, weightLayoutOf, type ModelSpec } from '@syncline/core';
import { avgPool, conv2d, conv2dBackward, maxPool, t64, type T64, type Window } from './tensor64';

export interface RefState {
  weights: Float64Array;
  slots: Record<string, Float64Array>;
  t: number;
}

type Back = (dy: T64) => T64;

/** Forward + backward over the whole (global) batch; returns lossSum, correct and d lossSum / d weights. */
export function referenceGradients(
  spec: ModelSpec,
  weights: Float64Array,
  x: Float32Array,
  y: Int32Array,
): { lossSum: number; correct: number; grads: Float64Array } {
  const shapes = inferShapes(spec);
  const layout = weightLayoutOf(spec);
  const n = y.length;
  const grads = new Float64Array(layout.totalSize);
  const param = (name: string): { t: T64; offset: number } => {
    const e = layout.entries.find((en) => en.name === name)!;
    return { t: t64([...e.shape], weights.subarray(e.offset, e.offset + e.size)), offset: e.offset };
  };
  let h = t64([n, ...spec.inputShape], x);
  const tape: Back[] = [];
  shapes.forEach((ls, li) => {
    const layer = ls.layer;
    const prefix = ls.params[0]?.name.split('/')[0];
    const input = h;
    if (layer.type === 'dense') {
      const k = param(`${prefix}/kernel`);
      const b = layer.useBias ? param(`${prefix}/bias`) : null;
      const [inn, u] = k.t.shape as [number, number];
      const z = t64([n, u]);
      for (let r = 0; r < n; r++)
        for (let j = 0; j < u; j++) {
          let s = b ? b.t.data[j]! : 0;
          for (let i = 0; i < inn; i++) s += input.data[r * inn + i]! * k.t.data[i * u + j]!;
          z.data[r * u + j] = s;
        }
      tape.push((dz) => {
        const dx = t64(input.shape);
        for (let r = 0; r < n; r++)
          for (let j = 0; j < u; j++) {
            const g = dz.data[r * u + j]!;
            if (b) grads[b.offset + j]! += g;
            for (let i = 0; i < inn; i++) {
              grads[k.offset + i * u + j]! += input.data[r * inn + i]! * g;
              dx.data[r * inn + i]! += k.t.data[i * u + j]! * g;
            }
          }
        return dx;
      });
      h = z;
    } else if (layer.type === 'conv2d') {
      const k = param(`${prefix}/kernel`);
      const b = layer.useBias ? param(`${prefix}/bias`) : null;
      const [kh, kw] = pair(layer.kernelSize);
      const [sh, sw] = pair(layer.strides);
      const win: Window = { kh, kw, sh, sw, padding: layer.padding };
      h = conv2d(input, k.t, b?.t ?? null, win);
      tape.push((dz) => {
        const { dx, dk, db } = conv2dBackward(input, k.t, dz, win);
        dk.data.forEach((v, i) => (grads[k.offset + i]! += v));
        if (b) db.data.forEach((v, i) => (grads[b.offset + i]! += v));
        return dx;
      });
    } else if (layer.type === 'maxPool2d' || layer.type === 'averagePool2d') {
      const [kh, kw] = pair(layer.poolSize);
      const [sh, sw] = pair(layer.strides ?? layer.poolSize);
      const win: Window = { kh, kw, sh, sw, padding: layer.padding };
      if (layer.type === 'maxPool2d') {
        const { y: out, argmax } = maxPool(input, win);
        tape.push((dy) => {
          const dx = t64(input.shape);
          argmax.forEach((src, o) => (dx.data[src]! += dy.data[o]!));
          return dx;
        });
        h = out;
      } else {
        const p = avgPool(input, win);
        tape.push(p.backward);
        h = p.y;
      }
    } else if (layer.type === 'flatten') {
      h = t64([n, ...ls.outputShape], input.data);
      tape.push((dy) => t64(input.shape, dy.data));
    }
    const act = 'activation' in layer ? layer.activation : 'linear';
    const last = li === shapes.length - 1;
    if (act === 'relu') {
      const z = h;
      h = t64(
        z.shape,
        z.data.map((v) => Math.max(v, 0)),
      );
      tape.push((dy) =>
        t64(
          z.shape,
          dy.data.map((g, i) => (z.data[i]! > 0 ? g : 0)),
        ),
      );
    } else if (act !== 'linear' && !(last && act === 'softmax')) {
      throw new Error(`reference: activation ${act} not implemented`);
    }
  });
  const classes = h.shape[1]!;
  let lossSum = 0;
  let correct = 0;
  const dlogits = t64(h.shape);
  for (let r = 0; r < n; r++) {
    const row = h.data.subarray(r * classes, (r + 1) * classes);
    const max = Math.max(...row);
    const sum = row.reduce((a, v) => a + Math.exp(v - max), 0);
    lossSum += Math.log(sum) - (row[y[r]!]! - max);
    if (row[y[r]!]! >= max) correct++;
    for (let j = 0; j < classes; j++) dlogits.data[r * classes + j] = Math.exp(row[j]! - max) / sum - (j === y[r] ? 1 : 0);
  }
  let d = dlogits;
  for (let i = tape.length - 1; i >= 0; i--) d = tape[i]!(d);
  return { lossSum, correct, grads };
}

/** Applies one update with mean gradient `g` (tfjs-core formulas). */
export function referenceUpdate(spec: ModelSpec, state: RefState, g: Float64Array): RefState {
  const o = spec.optimizer;
  const w = Float64Array.from(state.weights);
  const t = state.t + 1;
  const slots: Record<string, Float64Array> = Object.fromEntries(Object.entries(state.slots).map(([k, v]) => [k, Float64Array.from(v)]));
  for (let i = 0; i < w.length; i++) {
    const gi = g[i]!;
    if (o.name === 'sgd') w[i]! -= o.learningRate * gi;
    else if (o.name === 'adam') {
      const m = (slots.m![i] = o.beta1 * slots.m![i]! + (1 - o.beta1) * gi);
      const v = (slots.v![i] = o.beta2 * slots.v![i]! + (1 - o.beta2) * gi * gi);
      w[i]! -= (o.learningRate * (m / (1 - o.beta1 ** t))) / (Math.sqrt(v / (1 - o.beta2 ** t)) + o.epsilon);
    } else if (o.name === 'momentum') {
      const a = (slots.accumulation![i] = o.momentum * slots.accumulation![i]! + gi);
      w[i]! -= o.learningRate * (o.nesterov ? gi + o.momentum * a : a);
    } else if (o.name === 'rmsprop') {
      const ms = (slots.meanSquare![i] = o.rho * slots.meanSquare![i]! + (1 - o.rho) * gi * gi);
      const mom = (slots.moment![i] = o.momentum * slots.moment![i]! + (o.learningRate * gi) / Math.sqrt(ms + o.epsilon));
      w[i]! -= mom;
    }
  }
  return { weights: w, slots, t };
}

/** Zero slots for the spec's optimizer. */
export function referenceSlots(spec: ModelSpec, size: number): Record<string, Float64Array> {
  const names = { adam: ['m', 'v'], adamw: ['m', 'v'], sgd: [], momentum: ['accumulation'], rmsprop: ['meanSquare', 'moment'] }[spec.optimizer.name];
  return Object.fromEntries(names.map((n) => [n, new Float64Array(size)]));
}
