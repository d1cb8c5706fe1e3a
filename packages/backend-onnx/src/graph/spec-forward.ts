/**
 * Core's ModelSpec (sequential or functional) as ONNX forward nodes. Inputs are NHWC (Keras
 * order) and kernels are stored as the spec lays them out ([in, units], [kh, kw, in,
 * filters]); the graph works in NCHW for Conv/Pool/BatchNormalization:
 * 1. every layer output is tracked with its layout: rank-3 values are moved NHWC <-> NCHW
 *    only where a layer needs the other one (flatten, reshape, layerNormalization and a
 *    non-channel concatenate read NHWC), so the flattened order (h, w, c) and hence Dense
 *    kernels match Keras/tfjs exactly;
 * 2. conv kernels are transposed HWIO -> OIHW inside the graph (the Transpose rule maps
 *    the gradient back to HWIO);
 * 3. when the loss fuses the final softmax / sigmoid (core's resolveLoss), it is left out:
 *    the returned `logits` feed the loss head;
 * 4. dropout (training graphs only) multiplies by a mask input scaled by 1 / (1 - rate);
 * 5. a monotone activation (relu, sigmoid, tanh) whose output only a maxPool2d reads is
 *    applied after the pool instead: max(f(x)) = f(max(x)) for non-decreasing f, so outputs
 *    are identical and the activation and its gradient touch 1/(pool area) of the elements;
 * 6. training graphs expand BatchNormalization into batch statistics and return the new
 *    moving statistics as `stateUpdates`.
 */
import { exampleAxis, inferShapes, MODEL_INPUT_NAME, pair, resolveLoss, weightLayoutOf, type ModelSpec } from '@syncline/core';
import { DataType } from '../proto/onnx-proto';
import { expandTrainingBatchNorm, type StateUpdate } from './batch-norm-training';
import type { GraphBuilder } from './graph-builder';
import { emitBatchNorm, emitGelu, emitLayerNorm } from './spec-norms';
import { emitGlobalAveragePool1d, emitMultiHeadAttention, emitSequenceDense } from './spec-sequence';

export const X_INPUT = 'x';
const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];
const HWIO_TO_OIHW = [3, 2, 0, 1];
const MONOTONE = new Set(['relu', 'sigmoid', 'tanh']);
const POINTWISE: Record<string, string> = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh' };

export interface SpecForward {
  /** The output [N, width] (pre-activation when the loss fuses the final softmax/sigmoid). */
  readonly logits: string;
  /** Trainable parameter inputs in weight-layout order. */
  readonly params: readonly string[];
  /** Dropout mask inputs (training only) with their per-example element count. */
  readonly masks: readonly { name: string; perExample: number }[];
  /** Moving statistics the training graph outputs (empty for other graphs). */
  readonly stateUpdates: readonly StateUpdate[];
}

/** TF 'same' padding split as ONNX pads [top, left, bottom, right]. */
export function samePads(inHW: readonly number[], kernel: readonly number[], strides: readonly number[]): number[] {
  const total = [0, 1].map((i) => Math.max((Math.ceil(inHW[i]! / strides[i]!) - 1) * strides[i]! + kernel[i]! - inHW[i]!, 0));
  return [Math.floor(total[0]! / 2), Math.floor(total[1]! / 2), total[0]! - Math.floor(total[0]! / 2), total[1]! - Math.floor(total[1]! / 2)];
}

/** A layer output: its value name, whether it is NCHW, its per-example shape (NHWC order). */
interface Tracked {
  v: string;
  nchw: boolean;
  shape: readonly number[];
}

export function buildSpecForward(b: GraphBuilder, spec: ModelSpec, training: boolean): SpecForward {
  const shapes = inferShapes(spec);
  const loss = resolveLoss(spec);
  b.addInput(X_INPUT, DataType.FLOAT, ['N', ...spec.inputShape]);
  const masks: { name: string; perExample: number }[] = [];
  const values = new Map<string, Tracked>([[MODEL_INPUT_NAME, { v: X_INPUT, nchw: false, shape: spec.inputShape }]]);
  const readers = new Map<string, number>();
  for (const ls of shapes) for (const n of ls.inputs) readers.set(n, (readers.get(n) ?? 0) + 1);
  const bnRanks = new Map<string, number>();
  const toNchw = (t: Tracked): string => (t.shape.length === 3 && !t.nchw ? b.op('Transpose', [t.v], { perm: NHWC_TO_NCHW }) : t.v);
  const toNhwc = (t: Tracked): string => (t.nchw ? b.op('Transpose', [t.v], { perm: NCHW_TO_NHWC }) : t.v);
  const last = shapes.length - 1;
  const deferred = new Map<string, string>();

  shapes.forEach((ls, idx) => {
    const layer = ls.layer;
    const ins = ls.inputs.map((n) => values.get(n)!);
    const x = ins[0]!;
    const param = (k: number): string => b.addInput(ls.params[k]!.name, DataType.FLOAT, ls.params[k]!.shape);
    const rank3 = ls.outputShape.length === 3;
    let h: string;
    let nchw = false;
    let act: string | undefined;
    switch (layer.type) {
      case 'dense': {
        const inputs = [x.v, param(0)];
        if (layer.useBias) inputs.push(param(1));
        if (ls.inputShape.length === 2) h = emitSequenceDense(b, x.v, inputs[1]!, inputs[2]);
        else h = layer.useBias ? b.op('Gemm', inputs) : b.op('MatMul', inputs);
        act = layer.activation;
        break;
      }
      case 'conv1d': {
        // As a conv2d over a [1, length] image: NCHW [N, C, 1, L], kernel [1, k, C, F] -> OIHW.
        const [length, c] = ls.inputShape as [number, number];
        const image = b.op('Transpose', [b.op('Reshape', [x.v, b.constInt64([-1, 1, length, c])])], { perm: NHWC_TO_NCHW });
        const w = b.op('Transpose', [b.op('Reshape', [param(0), b.constInt64([1, layer.kernelSize, c, layer.filters])])], { perm: HWIO_TO_OIHW });
        const inputs = [image, w];
        if (layer.useBias) inputs.push(param(1));
        const pads = layer.padding === 'same' ? samePads([1, length], [1, layer.kernelSize], [1, layer.strides]) : [0, 0, 0, 0];
        const y = b.op('Conv', inputs, { kernel_shape: [1, layer.kernelSize], strides: [1, layer.strides], pads });
        h = b.op('Reshape', [b.op('Transpose', [y], { perm: NCHW_TO_NHWC }), b.constInt64([-1, ...ls.outputShape])]);
        act = layer.activation;
        break;
      }
      case 'permute':
        h = b.op('Transpose', [toNhwc(x)], { perm: [0, ...layer.dims] });
        break;
      case 'softmax':
        h = b.op('Softmax', [toNhwc(x)], { axis: exampleAxis(layer.axis, ls.inputShape.length) + 1 });
        break;
      case 'multiHeadAttention': {
        const mask = layer.paddingMask !== undefined ? ins[ins.length - 1]!.v : undefined;
        const value = ins.length > (mask ? 2 : 1) ? ins[1]! : x;
        const lengths = { query: ls.inputShape[0]!, value: value.shape[0]! };
        h = emitMultiHeadAttention(
          b,
          x.v,
          value.v,
          lengths,
          ls.params.map((_, k) => param(k)),
          layer.numHeads,
          layer.keyDim,
          layer.useBias,
          mask,
        );
        break;
      }
      case 'embedding':
        // token ids arrive as floats: int64 rows of the table (gradient: gather.ts)
        h = b.op('Gather', [param(0), b.op('Cast', [x.v], { to: DataType.INT64 })], { axis: 0 });
        break;
      case 'positionEmbedding':
        h = b.op('Add', [x.v, param(0)]);
        break;
      case 'globalAveragePooling1d':
        h = emitGlobalAveragePool1d(b, x.v);
        break;
      case 'conv2d': {
        const kernel = pair(layer.kernelSize);
        const strides = pair(layer.strides);
        const inputs = [toNchw(x), b.op('Transpose', [param(0)], { perm: HWIO_TO_OIHW })];
        if (layer.useBias) inputs.push(param(1));
        const pads = layer.padding === 'same' ? samePads(ls.inputShape, kernel, strides) : [0, 0, 0, 0];
        h = b.op('Conv', inputs, { kernel_shape: kernel, strides, pads });
        nchw = true;
        act = layer.activation;
        break;
      }
      case 'maxPool2d':
      case 'averagePool2d': {
        const kernel = pair(layer.poolSize);
        const strides = pair(layer.strides ?? layer.poolSize);
        const pads = layer.padding === 'same' ? samePads(ls.inputShape, kernel, strides) : [0, 0, 0, 0];
        const attrs = { kernel_shape: kernel, strides, pads };
        h = layer.type === 'maxPool2d' ? b.op('MaxPool', [toNchw(x)], attrs) : b.op('AveragePool', [toNchw(x)], { ...attrs, count_include_pad: 0 });
        nchw = true;
        act = deferred.get(ls.inputs[0]!);
        break;
      }
      case 'globalAveragePooling2d':
        h = b.op('Flatten', [b.op('GlobalAveragePool', [toNchw(x)])], { axis: 1 });
        break;
      case 'flatten':
        h = b.op('Flatten', [toNhwc(x)], { axis: 1 });
        break;
      case 'reshape':
        h = b.op('Reshape', [toNhwc(x), b.constInt64([-1, ...layer.targetShape])]);
        break;
      case 'dropout':
        h = x.v;
        nchw = x.nchw;
        if (training && layer.rate > 0) {
          const s = ls.inputShape;
          const name = b.addInput(`dropout_mask_${masks.length}`, DataType.FLOAT, ['N', ...(x.nchw ? [s[2]!, s[0]!, s[1]!] : s)]);
          masks.push({ name, perExample: s.reduce((a, c) => a * c, 1) });
          h = b.op('Mul', [h, name]);
        }
        break;
      case 'activation':
        h = x.v;
        nchw = x.nchw;
        act = layer.activation;
        break;
      case 'batchNormalization': {
        // Channels (the last per-example axis) on ONNX's axis 1: NCHW for images, [N, C, L] for sequences.
        const sequence = ls.inputShape.length === 2;
        const input = sequence ? b.op('Transpose', [x.v], { perm: [0, 2, 1] }) : toNchw(x);
        bnRanks.set(input, ls.inputShape.length + 1);
        h = emitBatchNorm(b, input, [0, 1, 2, 3].map(param), layer.epsilon, layer.momentum);
        if (sequence) h = b.op('Transpose', [h], { perm: [0, 2, 1] });
        nchw = rank3;
        break;
      }
      case 'layerNormalization':
        h = emitLayerNorm(b, toNhwc(x), ls.inputShape.length + 1, layer.epsilon, param(0), param(1));
        break;
      case 'add':
      case 'multiply': {
        const op = layer.type === 'add' ? 'Add' : 'Mul';
        const vs = ins.map((t) => (rank3 ? toNchw(t) : t.v));
        h = vs.slice(1).reduce((acc, v) => b.op(op, [acc, v]), vs[0]!);
        nchw = rank3;
        break;
      }
      case 'concatenate': {
        const axis = exampleAxis(layer.axis, ls.inputShape.length);
        const channels = rank3 && axis === 2;
        const vs = ins.map((t) => (channels ? toNchw(t) : toNhwc(t)));
        h = b.op('Concat', vs, { axis: channels ? 1 : axis + 1 });
        nchw = channels;
        break;
      }
    }
    const onlyPool = readers.get(ls.name) === 1 && shapes.some((s) => s.layer.type === 'maxPool2d' && s.inputs[0] === ls.name);
    if (act && MONOTONE.has(act) && onlyPool) {
      deferred.set(ls.name, act);
      act = undefined;
    }
    if (act && act !== 'linear' && !(idx === last && loss.output === 'fused' && act === loss.link)) {
      if (act === 'softmax') h = b.op('Softmax', [h], { axis: nchw ? 1 : -1 });
      else if (act === 'gelu') h = emitGelu(b, h);
      else h = b.op(POINTWISE[act]!, [h]);
    }
    values.set(ls.name, { v: h, nchw, shape: ls.outputShape });
  });
  const stateUpdates = training ? expandTrainingBatchNorm(b, (v) => bnRanks.get(v) ?? 4, b.opset) : [];
  const params = weightLayoutOf(spec)
    .entries.filter((e) => e.trainable)
    .map((e) => e.name);
  return { logits: values.get(shapes[last]!.name)!.v, params, masks, stateUpdates };
}
