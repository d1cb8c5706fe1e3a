/**
 * Test harness for single layer rules on the XLA CPU plugin: builds a module that runs a
 * rule's forward on given inputs and its backward for a given cotangent, executes it on one
 * device, and reads back y, dx (when the rule returns one) and the gradients.
 */
import { inferShapes, modelSpecSchema, Xoshiro128, type LayerShapes, type ModelSpecInput } from '@syncline/core';
import type { PjrtClient } from '../src/pjrt/client';
import type { PjrtBuffer } from '../src/pjrt/buffer';
import { writeModule } from '../src/stablehlo/func-writer';
import type { LayerRule } from '../src/stablehlo/layers/layer-rule';
import { numel, tensor, type TensorType } from '../src/stablehlo/tensor-type';

export interface HostTensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

export interface RuleRun {
  readonly y: Float32Array;
  readonly dx: Float32Array | null;
  readonly grads: Float32Array[];
  readonly text: string;
}

/** The LayerShapes of `layer` as the first layer of a model with `inputShape` (a flatten follows, as core wants a rank-1 output). */
export function layerShapes(inputShape: readonly number[], layer: ModelSpecInput['layers'][number]): LayerShapes {
  return inferShapes(modelSpecSchema.parse({ inputShape, layers: [layer, { type: 'flatten' }] }))[0]!;
}

/** `n` seeded uniform floats in [lo, hi). */
export function uniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const prng = new Xoshiro128(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * prng.nextFloat());
}

export function randomTensor(shape: readonly number[], seed: number, lo = -1, hi = 1): HostTensor {
  return { data: uniform(numel(shape), seed, lo, hi), shape };
}

/** ||a - ref||₂ / ||ref||₂. */
export function relL2(a: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (a.length !== ref.length) throw new Error(`length ${a.length} vs reference ${ref.length}`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - ref[i]!) ** 2;
    den += ref[i]! ** 2;
  }
  return Math.sqrt(num) / Math.sqrt(den);
}

export interface RunOptions {
  readonly training?: boolean;
  /** The rngKey (an i32 module argument) when training. */
  readonly key?: number;
  readonly needDx?: boolean;
}

/** Compiles and runs `rule` forward + backward on device 0 of `client`. */
export async function runRule(
  client: PjrtClient,
  rule: LayerRule,
  ls: LayerShapes,
  x: HostTensor,
  params: readonly HostTensor[],
  dy: HostTensor,
  opts: RunOptions = {},
): Promise<RuleRun> {
  const training = opts.training ?? false;
  const types: TensorType[] = [tensor(x.shape), ...params.map((p) => tensor(p.shape)), tensor(dy.shape)];
  if (training) types.push(tensor([], 'i32'));
  const np = params.length;
  const mod = writeModule('rule_test', 1, types, (b, args) => {
    const ctx = { training, rngKey: training ? args[np + 2]! : null };
    const f = rule(b, args[0]!, args.slice(1, 1 + np), ls, ctx);
    const { dx, grads } = f.backward(args[1 + np]!, opts.needDx ?? true);
    return [f.y, ...(dx ? [dx] : []), ...grads];
  });
  const device = client.devices[0]!;
  const exe = client.compile(mod.text, { numReplicas: 1, deviceIds: [device.id] });
  const inputs: PjrtBuffer[] = [x, ...params, dy].map((t) => client.bufferFromHost(t.data, t.shape, device));
  if (training) inputs.push(client.bufferFromHost(new Int32Array([opts.key ?? 0]), [], device));
  try {
    const [outs] = await exe.execute([inputs]);
    const host = await Promise.all(outs!.map((buf, i) => buf.toHost(new Float32Array(numel(mod.outputs[i]!.shape)))));
    for (const buf of outs!) buf.destroy();
    const hasDx = host.length > 1 + params.length;
    return { y: host[0]!, dx: hasDx ? host[1]! : null, grads: host.slice(hasDx ? 2 : 1), text: mod.text };
  } finally {
    for (const buf of inputs) buf.destroy();
    exe.destroy();
  }
}
