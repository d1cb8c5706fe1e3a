/**
 * Step phases for a compiled engine (TPU / PJRT): forward, backward, the cross-replica sum
 * and the update run as one device program, so the host sees only the whole call. Each step
 * of a call gets an equal share as its forwardBackwardMs (the whole compiled step: all-reduce
 * and optimizer inside it), and the first step of a call the data wait since the previous call.
 */
import { wallClockMs, type StepProfiler } from '../../contracts/step-profiler';

export class CompiledStepClock {
  #prevEnd = wallClockMs();

  /** Reports `steps` steps that ran from `startMs` to now (epoch ms) on every one of `replicas`. */
  report(profiler: StepProfiler | undefined, firstStep: number, replicas: number, startMs: number, steps: number): void {
    const end = wallClockMs();
    const per = (end - startMs) / Math.max(1, steps);
    const waitFrom = this.#prevEnd;
    this.#prevEnd = end;
    if (!profiler) return;
    for (let i = 0; i < steps; i++) {
      const start = i === 0 ? waitFrom : startMs + i * per;
      const dataWaitMs = i === 0 ? startMs - waitFrom : 0;
      for (let r = 0; r < replicas; r++) {
        profiler.replicaStep(firstStep + i, {
          replica: r,
          startMs: start,
          dataWaitMs,
          forwardBackwardMs: per,
          otherMs: 0,
          allReduceMs: 0,
          peerWaitMs: 0,
          optimizerMs: 0,
          bytes: 0,
          busyMs: per,
        });
      }
    }
  }
}
