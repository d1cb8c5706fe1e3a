/**
 * The compiled train step: one StableHLO module that runs `steps` data-parallel steps.
 *
 * Arguments (per replica): weights (one per layout entry), optimizer slots (slot-major),
 * t (f32, updates so far), xs [steps, batch, ...example], ys [steps, batch] (i32 class ids,
 * or f32 targets for the binary and regression losses),
 * bound (i32 scalar, = steps).
 * Results: the new weights, slots and t, and metrics [steps, 2] = (lossSum, correct)
 * summed over every replica.
 *
 * 1. stablehlo.while over i < bound, carrying weights, slots, t and the metrics. The
 *    bound (= steps) is a runtime argument, so XLA cannot see a trip count of 1 and
 *    inline the body: on the XLA CPU plugin a replicated step at top level runs its
 *    matmuls on the shared intra-op pool, where one replica's all_reduce waits on a pool
 *    thread the other replica needs (observed: rendezvous timeout, abort after 40 s on
 *    2 cores); inside a loop body they run on the replica's own thread.
 * 2. Step i: slice example batch i, forward (training mode), the loss head (loss.ts: summed
 *    over the batch, its gradient fused), backward (VJP per layer) for the trainable entries.
 * 3. all_reduce (sum) of every gradient over the replica group, then scale by
 *    1 / global batch: the mean gradient over the global batch; then global-norm clipping
 *    when the spec asks for it.
 * 4. The scheduled learning rate at t; t += 1; the optimizer update of the trainable
 *    entries. Non-trainable state (BatchNorm moving statistics) takes the replicas' mean
 *    of their new values: the value Keras' mean-on-read gives, and every replica keeps
 *    the same weights. Write (lossSum, correct) into metrics row i.
 * 5. After the loop, one all_reduce sums the metrics over replicas.
 */
import { forwardNetwork } from './network';
import { clipByGlobalNorm, scheduledLearningRate } from './optimizers/lr-schedule';
import { lossHead } from './loss';
import type { ModelPlan } from './model-plan';
import { writeModule, type ModuleText } from './func-writer';
import type { Builder } from './builder';
import { tensor, type TensorType, type Value } from './tensor-type';

export interface TrainStepOptions {
  readonly numReplicas: number;
  readonly perReplicaBatch: number;
  readonly steps: number;
  /** The run's seed, mixed into dropout's random key (default 0). */
  readonly seed?: number;
}

export function emitTrainStep(plan: ModelPlan, options: TrainStepOptions): ModuleText {
  const { numReplicas, perReplicaBatch: batch, steps } = options;
  const P = plan.paramShapes.length;
  const S = plan.optimizer.slotNames.length;
  const paramTypes = plan.paramShapes.map((s) => tensor(s));
  const inputs: TensorType[] = [
    ...paramTypes,
    ...Array.from({ length: S }, () => paramTypes).flat(),
    tensor([]),
    tensor([steps, batch, ...plan.exampleShape]),
    tensor([steps, batch], plan.labelKind === 'float32' ? 'f32' : 'i32'),
    tensor([], 'i32'),
  ];
  const groups = [Array.from({ length: numReplicas }, (_, r) => r)];
  const globalBatch = numReplicas * batch;
  return writeModule('syncline_train_step', numReplicas, inputs, (b, args) => {
    const carryTypes = [tensor([], 'i32'), ...inputs.slice(0, P * (S + 1) + 1), tensor([steps, 2]), ...inputs.slice(-3)];
    const init = [b.constI(0), ...args.slice(0, P * (S + 1) + 1), b.constF(0, [steps, 2]), ...args.slice(-3)];
    const step = (rb: Builder, carry: Value[]): Value[] => {
      const i = carry[0]!;
      const params = carry.slice(1, 1 + P);
      const slots = Array.from({ length: S }, (_, s) => carry.slice(1 + P * (s + 1), 1 + P * (s + 2)));
      const t = carry[1 + P * (S + 1)]!;
      const [metrics, xs, ys, bound] = carry.slice(-4) as [Value, Value, Value, Value];
      const zero = rb.constI(0);
      const x = rb.reshape(rb.dynamicSlice(xs, [i, ...xs.type.shape.slice(1).map(() => zero)], [1, batch, ...plan.exampleShape]), [
        batch,
        ...plan.exampleShape,
      ]);
      const y = rb.reshape(rb.dynamicSlice(ys, [i, zero], [1, batch]), [batch]);
      // Dropout's key: a different value every update and replica, shifted by the seed.
      const step = rb.add(rb.mul(rb.convert(t, 'i32'), rb.constI(numReplicas)), numReplicas > 1 ? rb.replicaId() : rb.constI(0));
      const rngKey = rb.binary('xor', step, rb.constI(Math.imul(options.seed ?? 0, 0x9e3779b1)));
      const net = forwardNetwork(rb, plan, x, params, { training: true, rngKey });
      const loss = lossHead(rb, net.logits, y, plan.loss);
      const summed = net.backward(loss.dlogits).map((g) => rb.scale(numReplicas > 1 ? rb.allReduceSum(g, groups) : g, 1 / globalBatch));
      const clip = plan.spec.optimizer.globalClipNorm;
      const grads = clip === undefined ? summed : clipByGlobalNorm(rb, summed, clip);
      const lr = scheduledLearningRate(rb, plan.spec.optimizer, t);
      const t1 = rb.add(t, rb.constF(1));
      const PT = grads.length;
      const upd = plan.optimizer.update(
        rb,
        params.slice(0, PT),
        grads,
        slots.map((s) => s.slice(0, PT)),
        t1,
        lr,
      );
      const state = params.slice(PT).map((old, k) => {
        const v = net.updates.get(PT + k);
        if (!v) return old;
        return numReplicas > 1 ? rb.scale(rb.allReduceSum(v, groups), 1 / numReplicas) : v;
      });
      const nextSlots = upd.slots.map((s, k) => [...s, ...slots[k]!.slice(PT)]);
      const row = rb.reshape(rb.concatenate([rb.reshape(loss.lossSum, [1]), rb.reshape(loss.correct, [1])], 0), [1, 2]);
      const nextMetrics = rb.dynamicUpdateSlice(metrics, row, [i, zero]);
      return [rb.add(i, rb.constI(1)), ...upd.params, ...state, ...nextSlots.flat(), t1, nextMetrics, xs, ys, bound];
    };
    const loop = (): Value[] => {
      const cond = b.region(carryTypes, (rb, carry) => [rb.compare(carry[0]!, carry[carry.length - 1]!, 'LT')]);
      return b.opMulti('stablehlo.while', init, carryTypes, '', [cond, b.region(carryTypes, step)]);
    };
    const out = loop();
    const metrics = out[out.length - 4]!;
    const summed = numReplicas > 1 ? b.allReduceSum(metrics, groups) : metrics;
    return [...out.slice(1, 1 + P * (S + 1) + 1), summed];
  });
}
