/**
 * Learning-rate schedules as pure functions of the update count (see optimizer-controls.ts
 * for the formulas): the factor that multiplies the optimizer's configured learning rate.
 */
import type { LrScheduleSpec } from '../spec/optimizer-controls';

/**
 * @param t updates applied before this one (0 for the first update)
 * @returns the learning-rate multiplier for update t+1, in [0, 1] for every schedule but an
 *   exponential or step schedule with a rate above 1
 */
export function lrScheduleFactor(schedule: LrScheduleSpec, t: number): number {
  switch (schedule.type) {
    case 'warmupCosine': {
      if (t < schedule.warmupSteps) return t / schedule.warmupSteps;
      const progress = Math.min(t - schedule.warmupSteps, schedule.decaySteps) / schedule.decaySteps;
      return schedule.alpha + ((1 - schedule.alpha) * (1 + Math.cos(Math.PI * progress))) / 2;
    }
    case 'exponential': {
      const p = t / schedule.decaySteps;
      return Math.pow(schedule.decayRate, schedule.staircase ? Math.floor(p) : p);
    }
    case 'step':
      return Math.pow(schedule.gamma, Math.floor(t / schedule.stepSize));
  }
}
