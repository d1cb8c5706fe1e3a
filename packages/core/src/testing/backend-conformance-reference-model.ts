/**
 * A float64 reference interpreter of core's model spec for the backend conformance
 * suite: forward pass, summed sparse cross-entropy, probabilities, and central finite
 * differences, all computed in plain JavaScript from a flat weight buffer laid out as
 * weightLayoutOf(spec). Slow and simple on purpose: for tiny models only.
 *
 * Conventions it pins for every backend: NHWC; Dense kernel [in, units]; Conv2D kernel
 * [kh, kw, inC, filters]; TensorFlow's 'same' padding (extra pixel at the bottom/right);
 * pools over in-bounds values only; a final softmax is folded into the loss
 * (loss_i = logsumexp(z_i) - z_i[y_i]); dropout is the identity (inference).
 */
import type { Batch } from '../contracts/batch';
import { UnsupportedOperationError } from '../errors/unsupported-operation-error';
import { inferShapes, pair } from '../model/shapes';
import type { Activation, ModelSpec } from '../spec/model-spec';
import { weightLayoutOf } from '../model/weight-layout-of';

type Vec = Float64Array;

function activate(v: Vec, a: Activation): Vec {
  switch (a) {
    case 'linear':
      return v;
    case 'relu':
      return v.map((t) => Math.max(0, t));
    case 'sigmoid':
      return v.map((t) => 1 / (1 + Math.exp(-t)));
    case 'tanh':
      return v.map((t) => Math.tanh(t));
    case 'gelu':
      return v.map((t) => 0.5 * t * (1 + erf(t / Math.SQRT2)));
    case 'softmax': {
      const m = Math.max(...v);
      const e = v.map((t) => Math.exp(t - m));
      const s = e.reduce((p, q) => p + q, 0);
      return e.map((t) => t / s);
    }
  }
}

/** erf to double precision by its Maclaurin series (|t| < 3) or 1 - erfc's continued fraction. */
function erf(t: number): number {
  const a = Math.abs(t);
  if (a >= 3) {
    let f = 0;
    for (let k = 60; k >= 1; k--) f = k / 2 / (a + f);
    return Math.sign(t) * (1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + f));
  }
  let term = a;
  let sum = a;
  for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
    term *= (-a * a) / n;
    sum += term / (2 * n + 1);
  }
  return (Math.sign(t) * 2 * sum) / Math.sqrt(Math.PI);
}

function padStart(size: number, window: number, stride: number, out: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? Math.floor(Math.max((out - 1) * stride + window - size, 0) / 2) : 0;
}

/** Logits (pre-softmax of a final softmax layer) for one example. */
export function referenceLogits(spec: ModelSpec, weights: ArrayLike<number>, example: ArrayLike<number>): Vec {
  const shapes = inferShapes(spec);
  const entries = weightLayoutOf(spec).entries;
  let e = 0;
  let v: Vec = Float64Array.from(example);
  const last = shapes.length - 1;
  for (const s of shapes) {
    const param = () => {
      const entry = entries[e++]!;
      return Float64Array.from({ length: entry.size }, (_, i) => weights[entry.offset + i]!);
    };
    const act = (a: Activation) => (s.index === last && a === 'softmax' ? 'linear' : a);
    const layer = s.layer;
    const [h, w, c] = s.inputShape as [number, number, number];
    const [oh, ow, oc] = s.outputShape as [number, number, number];
    switch (layer.type) {
      case 'dense': {
        const k = param();
        const b = layer.useBias ? param() : undefined;
        const n = s.inputShape[0]!;
        const out = new Float64Array(layer.units);
        for (let j = 0; j < layer.units; j++) {
          let t = b ? b[j]! : 0;
          for (let i = 0; i < n; i++) t += v[i]! * k[i * layer.units + j]!;
          out[j] = t;
        }
        v = activate(out, act(layer.activation));
        break;
      }
      case 'conv2d': {
        const k = param();
        const b = layer.useBias ? param() : undefined;
        const [kh, kw] = pair(layer.kernelSize);
        const [sh, sw] = pair(layer.strides);
        const pt = padStart(h, kh, sh, oh, layer.padding);
        const pl = padStart(w, kw, sw, ow, layer.padding);
        const out = new Float64Array(oh * ow * oc);
        for (let y = 0; y < oh; y++)
          for (let x = 0; x < ow; x++)
            for (let f = 0; f < oc; f++) {
              let t = b ? b[f]! : 0;
              for (let i = 0; i < kh; i++)
                for (let j = 0; j < kw; j++) {
                  const iy = y * sh + i - pt;
                  const ix = x * sw + j - pl;
                  if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                  for (let ch = 0; ch < c; ch++) t += v[(iy * w + ix) * c + ch]! * k[((i * kw + j) * c + ch) * oc + f]!;
                }
              out[(y * ow + x) * oc + f] = t;
            }
        v = activate(out, act(layer.activation));
        break;
      }
      case 'maxPool2d':
      case 'averagePool2d': {
        const [ph, pw] = pair(layer.poolSize);
        const [sh, sw] = pair(layer.strides ?? layer.poolSize);
        const pt = padStart(h, ph, sh, oh, layer.padding);
        const pl = padStart(w, pw, sw, ow, layer.padding);
        const out = new Float64Array(oh * ow * c);
        for (let y = 0; y < oh; y++)
          for (let x = 0; x < ow; x++)
            for (let ch = 0; ch < c; ch++) {
              let max = -Infinity;
              let sum = 0;
              let count = 0;
              for (let i = 0; i < ph; i++)
                for (let j = 0; j < pw; j++) {
                  const iy = y * sh + i - pt;
                  const ix = x * sw + j - pl;
                  if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                  const t = v[(iy * w + ix) * c + ch]!;
                  max = Math.max(max, t);
                  sum += t;
                  count++;
                }
              out[(y * ow + x) * c + ch] = layer.type === 'maxPool2d' ? max : sum / count;
            }
        v = out;
        break;
      }
      case 'activation':
        v = activate(v, act(layer.activation));
        break;
      case 'flatten':
      case 'dropout':
        break;
      default:
        throw new UnsupportedOperationError('reference model', 'float64', `layer type "${layer.type}"`, 'it covers the original sequential layers');
    }
    if (layer.type === 'dense' && s.inputShape.length !== 1) {
      throw new UnsupportedOperationError('reference model', 'float64', 'dense on a sequence', 'it covers rank-1 dense inputs');
    }
    if (layer.inputs) throw new UnsupportedOperationError('reference model', 'float64', 'layer inputs (functional specs)', 'it covers sequential specs');
  }
  return v;
}

function logSumExp(z: Vec): number {
  const m = Math.max(...z);
  return m + Math.log(z.reduce((s, t) => s + Math.exp(t - m), 0));
}

/** Sum over the batch of -log softmax(logits)[label], in float64. */
export function referenceLossSum(spec: ModelSpec, weights: ArrayLike<number>, batch: Batch): number {
  const per = batch.exampleShape.reduce((a, b) => a * b, 1);
  let total = 0;
  for (let n = 0; n < batch.size; n++) {
    const z = referenceLogits(spec, weights, batch.x.subarray(n * per, (n + 1) * per));
    total += logSumExp(z) - z[batch.y[n]!]!;
  }
  return total;
}

/** Softmax probabilities, `batch.size * numClasses` values, in float64. */
export function referenceProbabilities(spec: ModelSpec, weights: ArrayLike<number>, batch: Batch): Float64Array {
  const per = batch.exampleShape.reduce((a, b) => a * b, 1);
  const rows: number[] = [];
  for (let n = 0; n < batch.size; n++) {
    rows.push(...activate(referenceLogits(spec, weights, batch.x.subarray(n * per, (n + 1) * per)), 'softmax'));
  }
  return Float64Array.from(rows);
}

/** Central finite differences of referenceLossSum w.r.t. every weight, step `epsilon` (float64). */
export function referenceGradient(spec: ModelSpec, weights: ArrayLike<number>, batch: Batch, epsilon = 1e-6): Float64Array {
  const w = Float64Array.from(weights);
  const grad = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const keep = w[i]!;
    w[i] = keep + epsilon;
    const up = referenceLossSum(spec, w, batch);
    w[i] = keep - epsilon;
    const down = referenceLossSum(spec, w, batch);
    w[i] = keep;
    grad[i] = (up - down) / (2 * epsilon);
  }
  return grad;
}
