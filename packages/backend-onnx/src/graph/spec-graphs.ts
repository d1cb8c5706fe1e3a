/**
 * The two ONNX graphs a replica runs for a spec:
 * - train: x, labels, every parameter (and dropout masks) in; loss_sum, correct, probs,
 *   each trainable parameter's gradient of the summed loss in its own shape (outputs named
 *   by `gradientOutputs`, in weight-layout order) and new BatchNorm moving statistics out;
 * - eval: x, labels, parameters in; loss_sum, correct, probs out (no dropout, no backward).
 * 1. build forward + loss head; 2. probe shapes on a dummy batch; 3. differentiate from the
 * fused d(loss)/d(logits); 4. output every gradient (a replica fetches them into one flat buffer).
 */
import * as ort from 'onnxruntime-node';
import { labelKindOf, metricLayout, numClasses, resolveLoss, weightLayoutOf, type ModelSpec } from '@syncline/core';
import type { StateUpdate } from './batch-norm-training';
import { DataType, type ModelProto } from '../proto/onnx-proto';
import { differentiate } from './autodiff';
import { constIntsOf } from './constant-values';
import { GraphBuilder } from './graph-builder';
import { buildLossHead, LABELS_INPUT, PROBS } from './loss-head';
import { buildMetricHead } from './metric-head';
import { PROBE_BATCH, probeShapes } from './probe-shapes';
import { buildSpecForward, X_INPUT } from './spec-forward';

export const GRADIENTS = 'gradients';

export interface SpecGraphs {
  readonly train: ModelProto;
  readonly eval: ModelProto;
  /** Inference graph: x and parameters in, `probs` out. */
  readonly predict: ModelProto;
  /** Dropout mask inputs of the train graph and their per-example sizes. */
  readonly masks: readonly { name: string; perExample: number }[];
  /** Moving statistics the train graph outputs (BatchNormalization). */
  readonly stateUpdates: readonly StateUpdate[];
  /** Length of the train and eval graphs' `metric_sums` output (0: none, accuracy only). */
  readonly metricSize: number;
  /**
   * Train graph outputs holding each trainable entry's gradient in its own shape, in layout
   * order. A replica fetches them into views of one flat buffer, so ORT writes each gradient
   * in place (a Concat into one output cost a 400 KB copy per MLP step).
   */
  readonly gradientOutputs: readonly string[];
}

export async function buildSpecGraphs(spec: ModelSpec): Promise<SpecGraphs> {
  const classes = numClasses(spec);
  const layout = weightLayoutOf(spec);
  const loss = resolveLoss(spec);

  const tb = new GraphBuilder('syncline_train');
  const fwd = buildSpecForward(tb, spec, true);
  const forwardNodes = [...tb.nodes];
  const head = buildLossHead(tb, fwd.logits, classes, true, loss);

  const feeds: Record<string, ort.Tensor> = {};
  const perExample = spec.inputShape.reduce((a, c) => a * c, 1);
  feeds[X_INPUT] = new ort.Tensor('float32', new Float32Array(PROBE_BATCH * perExample), [PROBE_BATCH, ...spec.inputShape]);
  feeds[LABELS_INPUT] =
    labelKindOf(loss) === 'float32'
      ? new ort.Tensor('float32', new Float32Array(PROBE_BATCH), [PROBE_BATCH])
      : new ort.Tensor('int32', new Int32Array(PROBE_BATCH), [PROBE_BATCH]);
  for (const e of layout.entries) feeds[e.name] = new ort.Tensor('float32', new Float32Array(e.size), [...e.shape]);
  for (const m of fwd.masks) {
    const dims = tb.inputs.find((i) => i.name === m.name)!.type!.tensor_type!.shape!.dim.map((d) => d.dim_value ?? PROBE_BATCH);
    feeds[m.name] = new ort.Tensor('float32', new Float32Array(PROBE_BATCH * m.perExample).fill(1), dims);
  }
  const shapes = await probeShapes(tb.toModel(), feeds, [X_INPUT, LABELS_INPUT, ...fwd.masks.map((m) => m.name)]);
  const grads = differentiate(
    { b: tb, shape: (n) => shapes.get(n) ?? [], constInts: constIntsOf(tb) },
    forwardNodes,
    new Map([[fwd.logits, head.dLogits]]),
    fwd.params,
  );
  // Each gradient is its own output (no Concat: the replica fetches them into views of one
  // flat buffer, so ORT writes each in place); an Identity only where a gradient tensor is
  // not a node's output (a graph input or constant) or serves two parameters.
  const produced = new Set(tb.nodes.flatMap((n) => n.output ?? []));
  const used = new Set<string>();
  const gradientOutputs = grads.map((g, i) => {
    const name = produced.has(g) && !used.has(g) ? g : tb.node('Identity', [g], [`${GRADIENTS}/${i}`])[0]!;
    used.add(g);
    return name;
  });
  for (const name of gradientOutputs) tb.addOutput(name, DataType.FLOAT);
  for (const u of fwd.stateUpdates) tb.addOutput(u.output, DataType.FLOAT);
  const metrics = metricLayout(spec.metrics, classes);
  buildMetricHead(tb, classes, metrics);

  const eb = new GraphBuilder('syncline_eval');
  const efwd = buildSpecForward(eb, spec, false);
  buildLossHead(eb, efwd.logits, classes, false, loss);
  buildMetricHead(eb, classes, metrics);

  return {
    train: tb.toModel(),
    eval: eb.toModel(),
    predict: buildSpecPredict(spec),
    masks: fwd.masks,
    stateUpdates: fwd.stateUpdates,
    metricSize: metrics.size,
    gradientOutputs,
  };
}

/** x and parameters in, `probs` [N, width] out (for export): class probabilities, or the raw output of a regression. */
export function buildSpecPredict(spec: ModelSpec): ModelProto {
  const pb = new GraphBuilder('syncline_predict');
  const fwd = buildSpecForward(pb, spec, false);
  const link = resolveLoss(spec).link;
  if (link === 'softmax') pb.node('Softmax', [fwd.logits], [PROBS], { axis: 1 });
  else pb.node(link === 'sigmoid' ? 'Sigmoid' : 'Identity', [fwd.logits], [PROBS]);
  pb.addOutput(PROBS, DataType.FLOAT, ['N', numClasses(spec)]);
  return pb.toModel();
}
