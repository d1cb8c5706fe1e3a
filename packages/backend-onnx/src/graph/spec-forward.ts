/**
 * Core's ModelSpec as ONNX forward nodes. Inputs are NHWC (Keras order) and kernels are
 * stored as the spec lays them out ([in, units], [kh, kw, in, filters]); the graph works
 * in NCHW for Conv/Pool:
 * 1. rank-3 inputs are transposed NHWC -> NCHW once, and back before Flatten, so the
 *    flattened order (h, w, c) and hence Dense kernels match Keras/tfjs exactly;
 * 2. conv kernels are transposed HWIO -> OIHW inside the graph (the Transpose rule maps
 *    the gradient back to HWIO);
 * 3. a final softmax is left out: the returned `logits` feed the fused loss head;
 * 4. dropout (training graphs only) multiplies by a mask input scaled by 1 / (1 - rate);
 * 5. a monotone activation (relu, sigmoid, tanh) directly followed by maxPool2d is applied
 *    after the pool instead: max(f(x)) = f(max(x)) for non-decreasing f, so outputs are
 *    identical and the activation and its gradient touch 1/(pool area) of the elements.
 */
import { inferShapes, pair, type ModelSpec } from '@syncline/core';
import { DataType } from '../proto/onnx-proto';
import type { GraphBuilder } from './graph-builder';

export const X_INPUT = 'x';
const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];
const HWIO_TO_OIHW = [3, 2, 0, 1];
const MONOTONE = new Set(['relu', 'sigmoid', 'tanh']);

export interface SpecForward {
  /** Pre-softmax class scores [N, classes]. */
  readonly logits: string;
  /** Parameter inputs in weight-layout order. */
  readonly params: readonly string[];
  /** Dropout mask inputs (training only) with their per-example element count. */
  readonly masks: readonly { name: string; perExample: number }[];
}

/** TF 'same' padding split as ONNX pads [top, left, bottom, right]. */
export function samePads(inHW: readonly number[], kernel: readonly number[], strides: readonly number[]): number[] {
  const total = [0, 1].map((i) => Math.max((Math.ceil(inHW[i]! / strides[i]!) - 1) * strides[i]! + kernel[i]! - inHW[i]!, 0));
  return [Math.floor(total[0]! / 2), Math.floor(total[1]! / 2), total[0]! - Math.floor(total[0]! / 2), total[1]! - Math.floor(total[1]! / 2)];
}

export function buildSpecForward(b: GraphBuilder, spec: ModelSpec, training: boolean): SpecForward {
  const shapes = inferShapes(spec);
  b.addInput(X_INPUT, DataType.FLOAT, ['N', ...spec.inputShape]);
  const params: string[] = [];
  const masks: { name: string; perExample: number }[] = [];
  let h = X_INPUT;
  let nchw = false;
  const toNchw = (): void => {
    if (!nchw) h = b.op('Transpose', [h], { perm: NHWC_TO_NCHW });
    nchw = true;
  };
  const last = shapes.length - 1;
  let deferred: string | undefined;
  shapes.forEach((ls, idx) => {
    const layer = ls.layer;
    const param = (k: number): string => {
      const p = ls.params[k]!;
      params.push(b.addInput(p.name, DataType.FLOAT, p.shape));
      return p.name;
    };
    let act: string | undefined;
    switch (layer.type) {
      case 'dense': {
        const inputs = [h, param(0)];
        if (layer.useBias) inputs.push(param(1));
        h = layer.useBias ? b.op('Gemm', inputs) : b.op('MatMul', inputs);
        act = layer.activation;
        break;
      }
      case 'conv2d': {
        toNchw();
        const kernel = pair(layer.kernelSize);
        const strides = pair(layer.strides);
        const w = b.op('Transpose', [param(0)], { perm: HWIO_TO_OIHW });
        const inputs = [h, w];
        if (layer.useBias) inputs.push(param(1));
        const pads = layer.padding === 'same' ? samePads(ls.inputShape, kernel, strides) : [0, 0, 0, 0];
        h = b.op('Conv', inputs, { kernel_shape: kernel, strides, pads });
        act = layer.activation;
        break;
      }
      case 'maxPool2d':
      case 'averagePool2d': {
        toNchw();
        const kernel = pair(layer.poolSize);
        const strides = pair(layer.strides ?? layer.poolSize);
        const pads = layer.padding === 'same' ? samePads(ls.inputShape, kernel, strides) : [0, 0, 0, 0];
        const attrs = { kernel_shape: kernel, strides, pads };
        if (layer.type === 'maxPool2d') h = b.op('MaxPool', [h], attrs);
        else h = b.op('AveragePool', [h], { ...attrs, count_include_pad: 0 });
        act = deferred;
        deferred = undefined;
        break;
      }
      case 'flatten':
        if (nchw) h = b.op('Transpose', [h], { perm: NCHW_TO_NHWC });
        nchw = false;
        h = b.op('Flatten', [h], { axis: 1 });
        break;
      case 'dropout':
        if (training && layer.rate > 0) {
          const name = b.addInput(`dropout_mask_${masks.length}`, DataType.FLOAT, [
            'N',
            ...(nchw ? [ls.inputShape[2]!, ls.inputShape[0]!, ls.inputShape[1]!] : ls.inputShape),
          ]);
          masks.push({ name, perExample: ls.inputShape.reduce((a, c) => a * c, 1) });
          h = b.op('Mul', [h, name]);
        }
        break;
      case 'activation':
        act = layer.activation;
        break;
    }
    if (act && MONOTONE.has(act) && shapes[idx + 1]?.layer.type === 'maxPool2d') {
      deferred = act;
      act = undefined;
    }
    if (act && act !== 'linear' && !(idx === last && act === 'softmax')) {
      h = act === 'softmax' ? b.op('Softmax', [h], { axis: nchw ? 1 : -1 }) : b.op(act === 'relu' ? 'Relu' : act === 'sigmoid' ? 'Sigmoid' : 'Tanh', [h]);
    }
  });
  return { logits: h, params, masks };
}
