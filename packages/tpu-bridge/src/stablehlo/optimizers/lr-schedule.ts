/**
 * Learning-rate schedules and global-norm clipping in the compiled step, with core's
 * formulas (lr-schedule.ts, clip.ts) so a pjrt run follows the same rate and clip as the
 * tfjs and onnx backends. The schedule reads the update count carried in device state,
 * which checkpoints export as the optimizer step, so a resumed run continues its schedule.
 */
import type { OptimizerSpec } from '@syncline/core';
import type { Builder } from '../builder';
import type { Value } from '../tensor-type';

/** This update's learning rate; `before` = updates applied before it (f32 scalar, 0 first). */
export function scheduledLearningRate(b: Builder, spec: OptimizerSpec, before: Value): Value {
  const base = b.constF(spec.learningRate);
  const s = spec.schedule;
  if (!s) return base;
  const c = (v: number): Value => b.constF(v);
  let factor: Value;
  switch (s.type) {
    case 'warmupCosine': {
      const warm = b.div(before, c(s.warmupSteps));
      const progress = b.div(b.min(b.sub(before, c(s.warmupSteps)), c(s.decaySteps)), c(s.decaySteps));
      const cosine = b.add(c(s.alpha), b.mul(c((1 - s.alpha) / 2), b.add(c(1), b.unary('cosine', b.mul(c(Math.PI), progress)))));
      factor = s.warmupSteps > 0 ? b.select(b.compare(before, c(s.warmupSteps), 'LT'), warm, cosine) : cosine;
      break;
    }
    case 'exponential': {
      const p = b.div(before, c(s.decaySteps));
      factor = b.pow(c(s.decayRate), s.staircase ? b.unary('floor', p) : p);
      break;
    }
    case 'step':
      factor = b.pow(c(s.gamma), b.unary('floor', b.div(before, c(s.stepSize))));
      break;
  }
  return b.mul(base, factor);
}

/** g * min(1, clipNorm / ||g||_2) over every gradient together (Keras' global_clipnorm). */
export function clipByGlobalNorm(b: Builder, grads: readonly Value[], clipNorm: number): Value[] {
  const sumSquares = grads
    .map((g) =>
      b.reduce(
        b.mul(g, g),
        'add',
        g.type.shape.map((_, i) => i),
      ),
    )
    .reduce((a, v) => b.add(a, v));
  const norm = b.unary('sqrt', sumSquares);
  const clip = b.constF(clipNorm);
  const scale = b.select(b.compare(norm, clip, 'GT'), b.div(clip, norm), b.constF(1));
  return grads.map((g) => b.mul(g, b.broadcast(scale, g.type.shape, [])));
}
