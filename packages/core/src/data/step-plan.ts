/**
 * Which stream positions one worker reads at one step, for each resolved shard policy:
 * a pure function of numbers, the same on every worker without communication.
 *
 * Protocol, for W workers, global batch G, per-worker batch Gw = G / W, epoch size V:
 * 1. DATA: the step reads global stream range [e*V + s*G, +len), len = the step's length
 *    (virtual-epoch.ts). Worker w keeps offsets j = w, w + W, ... of that range: start
 *    e*V + s*G + w, stride W, count shareOf(len, W, w). A full step gives Gw each; a
 *    short last step gives floor/ceil(len / W), so shards differ by at most one example.
 * 2. FILE: each worker has its own stream (its files, shuffled per pass). Steps per epoch
 *    are the global ceil(V / G) so every worker runs the same count; the worker takes Gw
 *    per step, and the DATA share of the short last step. Its epoch e therefore starts at
 *    e * share, share = its examples per epoch, and wraps into its next pass as needed.
 * 3. OFF: every worker reads the whole stream (TF: "each worker gets a copy"), Gw per
 *    step; the epoch is V examples of that stream, so stepsPerEpoch = ceil(V / Gw).
 */
import { shareOf } from './shard';
import type { ResolvedShardPolicy } from '../contracts/shard-policy';
import { epochStart, stepLength, stepsPerEpoch } from './virtual-epoch';

/** The fixed inputs of a worker's plan. */
export interface StepPlanConfig {
  readonly policy: ResolvedShardPolicy;
  readonly worldSize: number;
  readonly rank: number;
  readonly globalBatchSize: number;
  /** Examples per epoch (V). */
  readonly examplesPerEpoch: number;
  readonly dropRemainder: boolean;
}

/** Positions of one worker's stream read at one step: start, start + stride, ... (count). */
export interface StepRange {
  readonly start: number;
  readonly stride: number;
  readonly count: number;
}

/** Precomputed plan of one worker: `range(epoch, step)` is O(1) and allocation-free apart from its result. */
export class StepPlan {
  /** Steps in every epoch, equal on all workers of one policy. */
  readonly stepsPerEpoch: number;
  /** Examples this worker reads per epoch (its stream advances by this much per epoch). */
  readonly workerExamplesPerEpoch: number;
  private readonly perWorkerBatch: number;
  private readonly stepBatch: number;

  constructor(readonly config: StepPlanConfig) {
    const { policy, worldSize, rank, globalBatchSize, examplesPerEpoch, dropRemainder } = config;
    this.perWorkerBatch = globalBatchSize / worldSize;
    this.stepBatch = policy === 'OFF' ? this.perWorkerBatch : globalBatchSize;
    this.stepsPerEpoch = stepsPerEpoch(examplesPerEpoch, this.stepBatch, dropRemainder);
    if (policy === 'OFF') {
      this.workerExamplesPerEpoch = dropRemainder ? this.stepsPerEpoch * this.stepBatch : examplesPerEpoch;
    } else {
      // Full steps give Gw each; the last step gives this worker's share of its length.
      const last = this.stepsPerEpoch - 1;
      const lastLen = stepLength(last, examplesPerEpoch, globalBatchSize, dropRemainder);
      this.workerExamplesPerEpoch = Math.max(0, last) * this.perWorkerBatch + (last >= 0 ? shareOf(lastLen, worldSize, rank) : 0);
    }
  }

  /** Length of step `step` counted in the policy's step batch (G, or Gw under OFF). */
  stepLength(step: number): number {
    return stepLength(step, this.config.examplesPerEpoch, this.stepBatch, this.config.dropRemainder);
  }

  /** The positions this worker reads at (epoch, step); step in [0, stepsPerEpoch). */
  range(epoch: number, step: number): StepRange {
    const { policy, worldSize, rank, examplesPerEpoch } = this.config;
    const len = this.stepLength(step);
    switch (policy) {
      case 'DATA':
        return {
          start: epochStart(epoch, examplesPerEpoch) + step * this.stepBatch + rank,
          stride: worldSize,
          count: shareOf(len, worldSize, rank),
        };
      case 'FILE':
        return {
          start: epoch * this.workerExamplesPerEpoch + step * this.perWorkerBatch,
          stride: 1,
          count: shareOf(len, worldSize, rank),
        };
      default:
        return { start: epochStart(epoch, examplesPerEpoch) + step * this.stepBatch, stride: 1, count: len };
    }
  }
}
