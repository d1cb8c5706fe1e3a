/**
 * One forward and backward on one device, without an update: weights, x [n, ...example],
 * y [n] (i32) -> one gradient of the SUMMED loss per trainable layout entry, then
 * metrics [2] = (lossSum, correct). What ReplicaProgram.computeGradients returns on the
 * other backends, so parity tests compare pjrt's gradients with theirs tensor by tensor.
 */
import { lossHead } from './loss';
import type { ModelPlan } from './model-plan';
import { forwardNetwork } from './network';
import { writeModule, type ModuleText } from './func-writer';
import { tensor } from './tensor-type';

export function emitGradients(plan: ModelPlan, examples: number): ModuleText {
  const inputs = [
    ...plan.paramShapes.map((s) => tensor(s)),
    tensor([examples, ...plan.exampleShape]),
    tensor([examples], plan.labelKind === 'float32' ? 'f32' : 'i32'),
  ];
  return writeModule('syncline_gradients', 1, inputs, (b, args) => {
    const P = plan.paramShapes.length;
    const net = forwardNetwork(b, plan, args[P]!, args.slice(0, P), { training: true, rngKey: b.constI(0) });
    const loss = lossHead(b, net.logits, args[P + 1]!, plan.loss);
    const metrics = b.concatenate([b.reshape(loss.lossSum, [1]), b.reshape(loss.correct, [1])], 0);
    return [...net.backward(loss.dlogits), metrics];
  });
}
