/**
 * Builds train/eval/predict graphs around an imported inference graph:
 * 1. copy its nodes and constant initializers; parameters become graph inputs fed from the
 *    replica's flat weights; the model input is fed from `x` through an Identity;
 * 2. logits = the model output, or the input of a final Softmax/LogSoftmax;
 * 3. train: training-mode BatchNormalization is expanded (batch statistics, running-stat
 *    outputs) unless frozen, LayerNormalization into primitive ops; probe shapes, differentiate from the fused loss head; an op
 *    without a rule on a parameter's path fails here, naming op and node, before training.
 */
import * as ort from 'onnxruntime-node';
import { BackendError, metricLayout, type MetricSpec } from '@syncline/core';
import { differentiate } from '../graph/autodiff';
import { constIntsOf } from '../graph/constant-values';
import { GraphBuilder } from '../graph/graph-builder';
import { buildLossHead, CORRECT, LABELS_INPUT, LOSS_SUM, PROBS } from '../graph/loss-head';
import { buildMetricHead, METRIC_SUMS } from '../graph/metric-head';
import { PROBE_BATCH, probeShapes } from '../graph/probe-shapes';
import { GRADIENTS } from '../graph/spec-graphs';
import { X_INPUT } from '../graph/spec-forward';
import { DataType, OPSET_VERSION, type ModelProto, type TensorProto } from '../proto/onnx-proto';
import { expandTrainingBatchNorm, type StateUpdate } from '../graph/batch-norm-training';
import { expandLayerNormalization } from '../graph/layer-norm-expand';

export interface ImportedParam {
  readonly tensor: TensorProto;
  readonly trainable: boolean;
}

const RESERVED = [X_INPUT, LABELS_INPUT, LOSS_SUM, CORRECT, PROBS, GRADIENTS, METRIC_SUMS];

export interface ImportedGraphs {
  readonly train: ModelProto;
  readonly eval: ModelProto;
  readonly predict: ModelProto;
  readonly numClasses: number;
  /** Running statistics the train graph outputs (training-mode BatchNormalization). */
  readonly stateUpdates: readonly StateUpdate[];
  /** Length of the train and eval graphs' `metric_sums` output (0: accuracy only). */
  readonly metricSize: number;
}

function skeleton(
  model: ModelProto,
  inputName: string,
  inputShape: readonly number[],
  params: readonly ImportedParam[],
  name: string,
): { b: GraphBuilder; logits: string } {
  const g = model.graph;
  const b = new GraphBuilder(name);
  const modelOpset = model.opset_import.find((o) => !o.domain)?.version ?? OPSET_VERSION;
  b.opset = Math.max(OPSET_VERSION, Number(modelOpset));
  const used = [...g.node.flatMap((n) => [...n.input, ...n.output]), ...g.initializer.map((t) => t.name ?? ''), ...g.input.map((i) => i.name)];
  for (const r of RESERVED) {
    if (used.includes(r) && !(r === X_INPUT && inputName === X_INPUT))
      throw new BackendError('onnx', `the imported graph already uses the value name "${r}", which the training graph needs; rename it in the model`);
  }
  b.reserve(used);
  b.addInput(X_INPUT, DataType.FLOAT, ['N', ...inputShape]);
  if (inputName !== X_INPUT) b.node('Identity', [X_INPUT], [inputName]);
  const paramNames = new Set(params.map((p) => p.tensor.name!));
  for (const p of params) b.addInput(p.tensor.name!, DataType.FLOAT, p.tensor.dims);
  for (const t of g.initializer) if (!paramNames.has(t.name!)) b.initializers.push(t);
  for (const n of g.node) b.nodes.push(structuredClone(n));
  let logits = g.output[0]!.name;
  const producer = g.node.find((n) => n.output.includes(logits));
  if (producer && (producer.op_type === 'Softmax' || producer.op_type === 'LogSoftmax')) logits = producer.input[0]!;
  return { b, logits };
}

export async function buildImportedGraphs(
  model: ModelProto,
  inputName: string,
  inputShape: readonly number[],
  params: readonly ImportedParam[],
  batchNormTraining: boolean,
  metrics: readonly MetricSpec[] = ['accuracy'],
): Promise<ImportedGraphs> {
  // Probe the forward graph once for every value's shape (and the class count).
  const fb = skeleton(model, inputName, inputShape, params, 'syncline_probe');
  const feeds: Record<string, ort.Tensor> = {
    [X_INPUT]: new ort.Tensor('float32', new Float32Array(PROBE_BATCH * inputShape.reduce((a, c) => a * c, 1)), [PROBE_BATCH, ...inputShape]),
  };
  for (const p of params)
    feeds[p.tensor.name!] = new ort.Tensor('float32', new Float32Array(p.tensor.dims.reduce((a, c) => a * Number(c), 1)), p.tensor.dims.map(Number));
  const shapes = await probeShapes(fb.b.toModel(), feeds, [X_INPUT]);
  const logitShape = shapes.get(fb.logits) ?? [];
  if (logitShape.length !== 2)
    throw new BackendError('onnx', `the model output "${fb.logits}" has shape [${logitShape.join(', ')}]; expected class scores [N, classes]`);
  const numClasses = logitShape[1]!;

  const t = skeleton(model, inputName, inputShape, params, 'syncline_train');
  let trainShapes = shapes;
  let stateUpdates: StateUpdate[] = [];
  if (batchNormTraining && t.b.nodes.some((n) => n.op_type === 'BatchNormalization')) {
    stateUpdates = expandTrainingBatchNorm(t.b, (v) => shapes.get(v)?.length ?? 4, t.b.opset);
    trainShapes = await probeShapes(t.b.toModel(), feeds, [X_INPUT]);
  }
  expandLayerNormalization(t.b, (v) => trainShapes.get(v)?.length ?? 3);
  // One more probe of the graph as differentiated: shapes, and the integer values PyTorch derives from weight shapes (Slice bounds).
  const probedInts = new Map<string, number[]>();
  trainShapes = await probeShapes(t.b.toModel(), feeds, [X_INPUT], probedInts);
  const again = new Map<string, number[]>();
  const wider = PROBE_BATCH + 1;
  const perExample = inputShape.reduce((a, c) => a * c, 1);
  await probeShapes(
    t.b.toModel(),
    { ...feeds, [X_INPUT]: new ort.Tensor('float32', new Float32Array(wider * perExample), [wider, ...inputShape]) },
    [X_INPUT],
    again,
  );
  for (const [name, v] of probedInts) if (again.get(name)?.join(',') !== v.join(',')) probedInts.delete(name);
  const forwardNodes = [...t.b.nodes];
  const head = buildLossHead(t.b, t.logits, numClasses, true);
  const trainable = params.filter((p) => p.trainable).map((p) => p.tensor.name!);
  const grads = differentiate(
    { b: t.b, shape: (n) => trainShapes.get(n) ?? [], constInts: (n) => constIntsOf(t.b)(n) ?? probedInts.get(n) },
    forwardNodes,
    new Map([[t.logits, head.dLogits]]),
    trainable,
  );
  for (const u of stateUpdates) t.b.addOutput(u.output, DataType.FLOAT);
  const metricsLayout = metricLayout(metrics, numClasses);
  buildMetricHead(t.b, numClasses, metricsLayout);
  const flat = t.b.constInt64([-1]);
  t.b.node(
    'Concat',
    grads.map((gr) => t.b.op('Reshape', [gr, flat])),
    [GRADIENTS],
    { axis: 0 },
  );
  t.b.addOutput(GRADIENTS, DataType.FLOAT);

  const e = skeleton(model, inputName, inputShape, params, 'syncline_eval');
  buildLossHead(e.b, e.logits, numClasses, false);
  buildMetricHead(e.b, numClasses, metricsLayout);

  const p = skeleton(model, inputName, inputShape, params, 'syncline_predict');
  p.b.node('Softmax', [p.logits], [PROBS], { axis: 1 });
  p.b.addOutput(PROBS, DataType.FLOAT, ['N', numClasses]);
  return { train: t.b.toModel(), eval: e.b.toModel(), predict: p.b.toModel(), numClasses, stateUpdates, metricSize: metricsLayout.size };
}
