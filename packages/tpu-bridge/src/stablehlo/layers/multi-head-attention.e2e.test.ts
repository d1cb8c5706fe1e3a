// The multiHeadAttention rule's forward and hand-written VJP, run on the XLA CPU plugin,
// against the same attention written with tfjs ops on its cpu backend and differentiated by
// tf.grads: y, every input cotangent and every parameter gradient within 1e-4 relative L2.
// Cases: self-attention, cross-attention of different lengths, padding masks (one example
// with every key padded, which must stay finite), and no biases.
import * as tf from '@tensorflow/tfjs';
import { inferShapes, parseModelSpec, type LayerShapes } from '@syncline/core';
import { PjrtClient } from '../../pjrt/client';
import { loadPjrtPlugin } from '../../pjrt/load-plugin';
import { describeWithPlugin, plugin } from '../../../tests/plugin';
import { writeModule } from '../func-writer';
import { numel, tensor, type Value } from '../tensor-type';
import { multiHeadAttentionRule } from './multi-head-attention';

const BATCH = 3;
const REL_TOL = 1e-4;
jest.setTimeout(120_000);

/** Deterministic uniform numbers in [-scale, scale) (mulberry32). */
function random(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  });
}

const norm = (a: Float32Array): number => Math.sqrt(a.reduce((s, v) => s + v * v, 0));

function relL2(got: Float32Array, want: Float32Array): number {
  let diff = 0;
  let ref = 0;
  want.forEach((w, i) => {
    diff += (got[i]! - w) ** 2;
    ref += w * w;
  });
  return Math.sqrt(diff) / Math.sqrt(ref);
}

interface Case {
  readonly layer: LayerShapes;
  /** Token ids of the padding mask, [BATCH, value length], when the layer has one. */
  readonly ids?: number[];
}

function attentionLayer(spec: unknown): LayerShapes {
  return inferShapes(parseModelSpec(spec)).find((l) => l.layer.type === 'multiHeadAttention')!;
}

/** The attention with tfjs ops, as the onnx backend emits it. */
function tfAttention(layer: LayerShapes, query: tf.Tensor, value: tf.Tensor, params: tf.Tensor[], ids?: tf.Tensor): tf.Tensor {
  if (layer.layer.type !== 'multiHeadAttention') throw new Error('not an attention layer');
  const { numHeads: h, keyDim: k, useBias } = layer.layer;
  const step = useBias ? 2 : 1;
  const proj = (x: tf.Tensor, i: number): tf.Tensor => {
    const [b, l, f] = x.shape as [number, number, number];
    const w = params[i * step]!;
    const z = tf.matMul(x.reshape([b * l, f]) as tf.Tensor2D, w as tf.Tensor2D).reshape([b, l, w.shape[1]!]);
    return useBias ? z.add(params[i * step + 1]!) : z;
  };
  const heads = (t: tf.Tensor): tf.Tensor => t.reshape([t.shape[0]!, t.shape[1]!, h, k]).transpose([0, 2, 1, 3]);
  const q = heads(proj(query, 0).mul(1 / Math.sqrt(k)));
  let scores = tf.matMul(q as tf.Tensor4D, heads(proj(value, 1)) as tf.Tensor4D, false, true);
  if (ids) scores = scores.add(ids.equal(0).cast('float32').mul(-1e9).reshape([ids.shape[0]!, 1, 1, ids.shape[1]!]));
  const context = tf.matMul(tf.softmax(scores) as tf.Tensor4D, heads(proj(value, 2)) as tf.Tensor4D);
  const merged = context.transpose([0, 2, 1, 3]).reshape([query.shape[0]!, query.shape[1]!, h * k]);
  return proj(merged, 3);
}

describeWithPlugin('multiHeadAttention rule (XLA CPU plugin) against tfjs gradients', () => {
  let client: PjrtClient;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    client = PjrtClient.create(loadPjrtPlugin(plugin.path!), { cpu_device_count: 1 });
  });
  afterAll(() => client?.destroy());

  const cases: [string, Case][] = [
    ['self-attention, 2 heads', { layer: attentionLayer(selfSpec({ numHeads: 2, keyDim: 3 })) }],
    ['cross-attention, query length 6, value length 3', { layer: attentionLayer(crossSpec()) }],
    [
      'self-attention with a padding mask (one example all padding)',
      { layer: attentionLayer(maskedSelfSpec()), ids: [3, 0, 7, 0, 1, 0, 0, 0, 0, 0, 2, 4, 9, 5, 6] },
    ],
    [
      'cross-attention with a padding mask on the value',
      { layer: attentionLayer(maskedCrossSpec()), ids: [1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 6, 0, 7, 8, 9, 1] },
    ],
    ['self-attention without biases, 3 heads', { layer: attentionLayer(selfSpec({ numHeads: 3, keyDim: 2, useBias: false })) }],
  ];

  it.each(cases)('%s', async (_name, { layer, ids }) => {
    const masked = ids !== undefined;
    const shapes = layer.inputShapes.map((s) => [BATCH, ...s]);
    const seqCount = shapes.length - (masked ? 1 : 0);
    const inputs = shapes.map((s, i) => (masked && i === shapes.length - 1 ? Float32Array.from(ids) : random(numel(s), 11 + i)));
    const params = layer.params.map((p, i) => random(numel(p.shape), 101 + i, 0.6));
    const outShape = [BATCH, ...layer.outputShape];
    const dy = random(numel(outShape), 999);
    const types = [...shapes.map((s) => tensor(s)), ...layer.params.map((p) => tensor(p.shape)), tensor(outShape)];

    const mod = writeModule('mha_vjp', 1, types, (b, args) => {
      const fwd = multiHeadAttentionRule(b, args.slice(0, shapes.length), args.slice(shapes.length, -1), layer, { training: true, rngKey: null });
      const { dxs, grads } = fwd.backward(args[args.length - 1]!);
      expect(dxs).toHaveLength(shapes.length);
      if (masked) expect(dxs[dxs.length - 1]).toBeNull();
      return [fwd.y, ...dxs.filter((d): d is Value => d !== null), ...grads];
    });
    const exe = client.compile(mod.text, { numReplicas: 1 });
    const device = client.devices[0]!;
    const host = [...inputs, ...params, dy];
    const bufs = host.map((a, i) => client.bufferFromHost(a, types[i]!.shape, device));
    const [outs] = await exe.execute([bufs]);
    const got = await Promise.all(outs!.map((o, i) => o.toHost(new Float32Array(numel(mod.outputs[i]!.shape)))));
    for (const buf of [...bufs, ...outs!]) buf.destroy();
    exe.destroy();

    const want = tf.tidy(() => {
      const idsT = masked ? tf.tensor(inputs[inputs.length - 1]!, shapes[shapes.length - 1]) : undefined;
      const wrt = [...inputs.slice(0, seqCount).map((a, i) => tf.tensor(a, shapes[i])), ...params.map((a, i) => tf.tensor(a, [...layer.params[i]!.shape]))];
      const dyT = tf.tensor(dy, outShape);
      const f = (...ts: tf.Tensor[]): tf.Tensor => {
        const value = seqCount === 2 ? ts[1]! : ts[0]!;
        return tfAttention(layer, ts[0]!, value, ts.slice(seqCount), idsT);
      };
      const y = f(...wrt);
      const grads = tf.grads((...ts: tf.Tensor[]) =>
        f(...ts)
          .mul(dyT)
          .sum(),
      )(wrt);
      return [y, ...grads].map((t) => t.dataSync() as Float32Array);
    });

    expect(got).toHaveLength(want.length);
    const names = ['y', ...layer.inputs.slice(0, seqCount).map((n) => `d ${n}`), ...layer.params.map((p) => `d ${p.name}`)];
    // The key bias's gradient is exactly zero (softmax ignores a shift of a whole score row):
    // the rule returns zeros, and tfjs's float32 rounding noise must be tiny next to the key kernel's.
    const keyBias = names.findIndex((n) => n.endsWith('/key/bias'));
    if (keyBias >= 0) {
      expect(got[keyBias]!.every((g) => g === 0)).toBe(true);
      expect(norm(want[keyBias]!)).toBeLessThan(1e-5 * norm(want[keyBias - 1]!));
    }
    const errors = names.flatMap((n, i) => (i === keyBias ? [] : [[n, relL2(got[i]!, want[i]!)] as const]));
    expect(got.map((g, i) => [names[i], g.every(Number.isFinite)]).filter(([, ok]) => !ok)).toEqual([]);
    expect(errors.filter(([, err]) => !(err < REL_TOL))).toEqual([]);
  });
});

function selfSpec(mha: { numHeads: number; keyDim: number; useBias?: boolean }): unknown {
  return { inputShape: [5, 6], layers: [{ type: 'multiHeadAttention', ...mha }, { type: 'flatten' }, { type: 'dense', units: 2 }] };
}

function crossSpec(): unknown {
  return {
    inputShape: [6, 4],
    layers: [
      { type: 'reshape', name: 'kv', targetShape: [3, 8] },
      { type: 'multiHeadAttention', name: 'att', inputs: ['input', 'kv'], numHeads: 2, keyDim: 4 },
      { type: 'flatten' },
      { type: 'dense', units: 2 },
    ],
  };
}

function maskedSelfSpec(): unknown {
  return {
    inputShape: [5],
    layers: [
      { type: 'embedding', name: 'emb', inputDim: 10, outputDim: 6 },
      { type: 'multiHeadAttention', numHeads: 2, keyDim: 3, paddingMask: 'input' },
      { type: 'flatten' },
      { type: 'dense', units: 2 },
    ],
  };
}

function maskedCrossSpec(): unknown {
  return {
    inputShape: [8],
    layers: [
      { type: 'embedding', name: 'emb', inputDim: 10, outputDim: 6 },
      { type: 'reshape', name: 'q', targetShape: [4, 12] },
      { type: 'multiHeadAttention', inputs: ['q', 'emb'], numHeads: 2, keyDim: 5, paddingMask: 'input' },
      { type: 'flatten' },
      { type: 'dense', units: 2 },
    ],
  };
}
