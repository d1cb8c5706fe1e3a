/**
 * Forward-only module for evaluate/predict on one device: weights, x [n, ...example],
 * y [n] (i32 or f32, as the loss reads labels) -> predictions [n, width] (probabilities
 * after the loss's link, or the output itself) and metrics [2] = (lossSum, correct).
 */
import { lossHead } from './loss';
import type { ModelPlan } from './model-plan';
import { forwardNetwork } from './network';
import { writeModule, type ModuleText } from './func-writer';
import { tensor } from './tensor-type';

export function emitEval(plan: ModelPlan, examples: number): ModuleText {
  const inputs = [
    ...plan.paramShapes.map((s) => tensor(s)),
    tensor([examples, ...plan.exampleShape]),
    tensor([examples], plan.labelKind === 'float32' ? 'f32' : 'i32'),
  ];
  return writeModule('syncline_eval', 1, inputs, (b, args) => {
    const P = plan.paramShapes.length;
    const net = forwardNetwork(b, plan, args[P]!, args.slice(0, P), { training: false, rngKey: null });
    const loss = lossHead(b, net.logits, args[P + 1]!, plan.loss);
    const metrics = b.concatenate([b.reshape(loss.lossSum, [1]), b.reshape(loss.correct, [1])], 0);
    return [loss.probs, metrics];
  });
}
