/**
 * The model's forward pass as StableHLO, recorded on a tape for reverse mode.
 *
 * 1. Walk the layers in order; each rule returns its output and a backward closure.
 * 2. The final softmax is not applied here: the loss works on logits (log-sum-exp) and
 *    `predict` applies softmax itself, so the last layer must end in softmax.
 * 3. backward(dlogits) replays the tape in reverse and returns one gradient per
 *    parameter, in the flat layout's order (layer order, kernel before bias).
 */
import { metricName, UnsupportedOperationError, type LayerShapes, type ModelSpec } from '@syncline/core';
import type { Builder } from './builder';
import { activationRule } from './layers/activation';
import { averagePool2dRule } from './layers/average-pool2d';
import { conv2dRule } from './layers/conv2d';
import { denseRule } from './layers/dense';
import { flattenRule } from './layers/flatten';
import type { Backward, LayerRule } from './layers/layer-rule';
import { maxPool2dRule } from './layers/max-pool2d';
import type { Value } from './tensor-type';

export interface NetworkForward {
  /** Pre-softmax class scores [batch, classes]. */
  readonly logits: Value;
  /** Gradients of every parameter (layout order) given d(loss)/d(logits). */
  backward(dlogits: Value): Value[];
}

const RULES: Partial<Record<LayerShapes['layer']['type'], LayerRule>> = {
  dense: denseRule,
  conv2d: conv2dRule,
  maxPool2d: maxPool2dRule,
  averagePool2d: averagePool2dRule,
  flatten: flattenRule,
};

/** True when the model's last op is a softmax (the loss fuses it). */
export function endsInSoftmax(shapes: readonly LayerShapes[]): boolean {
  const last = shapes[shapes.length - 1]!.layer;
  return 'activation' in last && last.activation === 'softmax';
}

/** What this backend does not build yet (issue 17): functional inputs, gelu, losses other than (sparse) categorical cross-entropy, metrics other than accuracy. */
function refuseUnsupported(spec: ModelSpec, shapes: readonly LayerShapes[]): void {
  const loss = typeof spec.loss === 'string' ? spec.loss : spec.loss.name;
  if (loss !== 'sparseCategoricalCrossentropy' && loss !== 'categoricalCrossentropy') {
    throw new UnsupportedOperationError('backend', 'pjrt', `the loss "${loss}"`, 'use sparseCategoricalCrossentropy, or the tfjs or onnx backend');
  }
  for (const m of spec.metrics) {
    const name = metricName(m);
    if (name !== 'accuracy') {
      throw new UnsupportedOperationError('backend', 'pjrt', `the metric "${name}"`, 'use metrics ["accuracy"], or the tfjs or onnx backend');
    }
  }
  for (const ls of shapes) {
    const previous = ls.index === 0 ? 'input' : shapes[ls.index - 1]!.name;
    if (ls.inputs.length !== 1 || ls.inputs[0] !== previous) {
      throw new UnsupportedOperationError(
        'backend',
        'pjrt',
        `layers[${ls.index}] reading [${ls.inputs.join(', ')}] (functional specs)`,
        'use the tfjs or onnx backend',
      );
    }
    if (ls.layer.type === 'dense' && ls.inputShape.length !== 1) {
      throw new UnsupportedOperationError('backend', 'pjrt', `dense on a sequence (layers[${ls.index}])`, 'use the tfjs or onnx backend');
    }
    if ('activation' in ls.layer && ls.layer.activation === 'gelu') {
      throw new UnsupportedOperationError('backend', 'pjrt', `the gelu activation (layers[${ls.index}])`, 'use the tfjs or onnx backend');
    }
  }
}

export function forwardNetwork(b: Builder, spec: ModelSpec, shapes: readonly LayerShapes[], x: Value, params: readonly Value[]): NetworkForward {
  refuseUnsupported(spec, shapes);
  if (!endsInSoftmax(shapes)) {
    throw new UnsupportedOperationError(
      'backend',
      'pjrt',
      `a model whose last layer is not softmax (${spec.name ?? 'unnamed'})`,
      'sparseCategoricalCrossentropy is computed from probabilities: end the model with activation "softmax"',
    );
  }
  const tape: { backward: Backward; paramIndex: number; paramCount: number }[] = [];
  let h = x;
  let p = 0;
  shapes.forEach((ls, i) => {
    const layer = ls.layer;
    const isLast = i === shapes.length - 1;
    const count = ls.params.length;
    const own = params.slice(p, p + count);
    const rule = RULES[layer.type];
    if (rule) {
      const out = rule(b, h, own, ls);
      tape.push({ backward: out.backward, paramIndex: p, paramCount: count });
      h = out.y;
    } else if (layer.type === 'dropout') {
      if (layer.rate > 0) {
        throw new UnsupportedOperationError('backend', 'pjrt', `dropout with rate ${layer.rate} (layers[${i}])`, 'use rate 0 or another backend');
      }
    } else if (layer.type !== 'activation') {
      throw new UnsupportedOperationError('backend', 'pjrt', `layer type "${(layer as { type: string }).type}" (layers[${i}])`);
    }
    p += count;
    const act = 'activation' in layer ? layer.activation : 'linear';
    if (act !== 'linear' && !(isLast && act === 'softmax')) {
      const out = activationRule(b, h, act);
      tape.push({ backward: out.backward, paramIndex: p, paramCount: 0 });
      h = out.y;
    }
  });
  return {
    logits: h,
    backward(dlogits: Value): Value[] {
      const grads: Value[] = new Array<Value>(params.length);
      let dy = dlogits;
      for (let t = tape.length - 1; t >= 0; t--) {
        const step = tape[t]!;
        const { dx, grads: g } = step.backward(dy, t > 0);
        g.forEach((v, j) => (grads[step.paramIndex + j] = v));
        if (dx) dy = dx;
      }
      return grads;
    },
  };
}
