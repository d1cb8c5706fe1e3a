/**
 * Forward-only module for evaluate/predict on one device: weights, x [n, ...example],
 * y [n] (i32) -> probabilities [n, classes] and metrics [2] = (lossSum, correct).
 */
import { softmax } from './layers/activation';
import { sparseCrossEntropy } from './loss';
import type { ModelPlan } from './model-plan';
import { forwardNetwork } from './network';
import { writeModule, type ModuleText } from './func-writer';
import { tensor } from './tensor-type';

export function emitEval(plan: ModelPlan, examples: number): ModuleText {
  const inputs = [...plan.paramShapes.map((s) => tensor(s)), tensor([examples, ...plan.exampleShape]), tensor([examples], 'i32')];
  return writeModule('syncline_eval', 1, inputs, (b, args) => {
    const P = plan.paramShapes.length;
    const net = forwardNetwork(b, plan, args[P]!, args.slice(0, P), { training: false, rngKey: null });
    const loss = sparseCrossEntropy(b, net.logits, args[P + 1]!);
    const metrics = b.concatenate([b.reshape(loss.lossSum, [1]), b.reshape(loss.correct, [1])], 0);
    return [softmax(b, net.logits), metrics];
  });
}
