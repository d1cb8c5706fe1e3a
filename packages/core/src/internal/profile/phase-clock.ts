/**
 * A replica's stopwatch for the phases of its train steps (see contracts/step-profiler).
 * It allocates nothing per step: marks are numbers in fields, totals live in typed arrays
 * made once. Protocol, per step:
 *   1. begin(): the data wait ends (it began at the previous step's end);
 *   2. gradientsDone(): forward + backward ends;
 *   3. arrive(buf, at): this rank's busy time since its previous collective goes into
 *      buf[at + rank] (the other ranks' entries are zeroed), so the step's sum all-reduce
 *      hands every rank every other rank's busy time at no extra message;
 *   4. collectiveDone(buf, at): the all-reduce ended; max(busy) - own busy is how long this
 *      rank waited for the slowest (clamped to the all-reduce's length);
 *   5. optimizerStart() / metrics(...): the optimizer ran; the step ends.
 * SYNCLINE_TEST_STEP_DELAY_MS (a test hook) blocks each step's forward pass for that many ms.
 */
import { wallClockMs, type RankTotals, type StepPhaseTimes } from '../../contracts/step-profiler';

/** Environment variable that slows every replica of one process on purpose (straggler tests). */
export const TEST_STEP_DELAY_ENV = 'SYNCLINE_TEST_STEP_DELAY_MS';

export interface StepMetricsBase {
  readonly lossSum: number;
  readonly count: number;
  readonly correct: number;
  readonly stopRequested: boolean;
}

export class PhaseClock {
  #prevEnd: number;
  #prevCollectiveEnd: number;
  #t0 = 0;
  #tGrad = 0;
  #tArrive = 0;
  #tDone = 0;
  #tOpt = 0;
  #extraMs = 0;
  #busy = 0;
  #peerWait = 0;
  #steps = 0;
  #stepMsTotal = 0;
  readonly #busyTotals: Float64Array;
  readonly #waitTotals: Float64Array;
  readonly #delayMs: number;
  readonly #sleeper = new Int32Array(new SharedArrayBuffer(4));

  constructor(
    readonly rank: number,
    readonly size: number,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.#prevEnd = this.#prevCollectiveEnd = wallClockMs();
    this.#busyTotals = new Float64Array(size);
    this.#waitTotals = new Float64Array(size);
    const delay = Number(env[TEST_STEP_DELAY_ENV] ?? 0);
    this.#delayMs = Number.isFinite(delay) && delay > 0 ? delay : 0;
  }

  /**
   * A collective outside a train step (evaluate's metrics) synchronised the ranks: busy time
   * counts from here. The data wait still runs from the previous step's end, so a step's
   * phases cover all the time since that step (validation and checkpoints between epochs
   * included; the coordinator's spans say which part was which).
   */
  synchronised(): void {
    this.#prevCollectiveEnd = wallClockMs();
  }

  begin(): void {
    this.#t0 = wallClockMs();
    if (this.#delayMs > 0) Atomics.wait(this.#sleeper, 0, 0, this.#delayMs);
  }

  gradientsDone(): void {
    this.#tGrad = wallClockMs();
  }

  arrive(buf: Float32Array, at: number): void {
    buf.fill(0, at, at + this.size);
    this.#tArrive = wallClockMs();
    this.#busy = this.#tArrive - this.#prevCollectiveEnd;
    buf[at + this.rank] = this.#busy;
  }

  collectiveDone(buf: Float32Array, at: number): void {
    const end = wallClockMs();
    this.#tDone = this.#tOpt = end;
    this.#extraMs = 0;
    const collectiveMs = end - this.#tArrive;
    let max = 0;
    for (let r = 0; r < this.size; r++) max = Math.max(max, buf[at + r]!);
    for (let r = 0; r < this.size; r++) {
      const b = buf[at + r]!;
      this.#busyTotals[r]! += b;
      this.#waitTotals[r]! += Math.min(Math.max(0, max - b), collectiveMs);
    }
    this.#peerWait = Math.min(Math.max(0, max - this.#busy), collectiveMs);
    this.#stepMsTotal += end - this.#prevCollectiveEnd;
    this.#steps++;
    this.#prevCollectiveEnd = end;
  }

  optimizerStart(): void {
    this.#tOpt = wallClockMs();
  }

  /** A collective after the optimizer (the sharded update's all-gather) of `ms`. */
  addCollective(ms: number): void {
    this.#extraMs += ms;
  }

  /** Ends the step: the metrics a train request returns for it. */
  metrics(base: StepMetricsBase, bytes: number): StepMetricsBase & StepPhaseTimes & { stepMs: number } {
    const end = wallClockMs();
    const start = this.#prevEnd;
    this.#prevEnd = end;
    return {
      lossSum: base.lossSum,
      count: base.count,
      correct: base.correct,
      stopRequested: base.stopRequested,
      replica: this.rank,
      startMs: start,
      stepMs: end - this.#t0,
      dataWaitMs: this.#t0 - start,
      forwardBackwardMs: this.#tGrad - this.#t0,
      otherMs: this.#tArrive - this.#tGrad + (this.#tOpt - this.#tDone),
      allReduceMs: this.#tDone - this.#tArrive + this.#extraMs,
      peerWaitMs: this.#peerWait,
      optimizerMs: end - this.#tOpt - this.#extraMs,
      bytes,
      busyMs: this.#busy,
    };
  }

  /** Every rank's totals since this replica started (copies: the caller may keep them). */
  totals(): RankTotals {
    return { steps: this.#steps, stepMs: this.#stepMsTotal, busyMs: this.#busyTotals.slice(), peerWaitMs: this.#waitTotals.slice() };
  }
}
