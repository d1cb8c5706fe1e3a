/**
 * The messages between the coordinator and its replicas (worker threads or child
 * processes). Every request carries an id; every reply names it. Batches travel as
 * slot references into shared memory (threads) or inline arrays (processes).
 */
import type { Labels } from '../../contracts/batch';
import type { PluginRef } from '../../contracts/plugin-ref';
import type { WeightLayout } from '../../contracts/weight-layout';
import type { ModelSpec } from '../../spec/model-spec';
import type { OptimizerState } from '../../contracts/optimizer-state';
import type { BatchMetrics } from '../../contracts/replica-program';
import type { ReduceOp } from '../../contracts/communicator';
import type { RankTotals, StepPhaseTimes } from '../../contracts/step-profiler';

/** How a replica applies the update: every replica all of it, or each 1/N then an all-gather. */
export type WeightUpdateMode = 'sharded' | 'replicated';
/**
 * Where a replica keeps the gradients it all-reduces: 'registered' when the communicator
 * handed it a registered buffer (Communicator.allocate: reduced in place, no copy in or
 * out), else 'plain' (no such buffer, or the model does not fit its space).
 */
export type GradientBufferKind = 'registered' | 'plain';

/** A batch as it crosses into a replica: a slot of the shared batch buffer, or inline. */
export type BatchRef =
  /** `labels`: how the slot's labels were written (absent: int32 class ids). */
  | { readonly kind: 'slot'; readonly slot: number; readonly size: number; readonly labels?: 'float32' }
  | { readonly kind: 'inline'; readonly x: Float32Array; readonly y: Labels; readonly size: number };

export interface InitMessage {
  readonly type: 'init';
  readonly rank: number;
  readonly size: number;
  readonly spec: ModelSpec;
  readonly seed: number;
  readonly backend: PluginRef;
  readonly communicator: PluginRef;
  readonly group: unknown;
  /** Shared batch slots (thread isolation only). */
  readonly slots?: { readonly buffer: SharedArrayBuffer; readonly count: number; readonly maxExamples: number };
  readonly timeoutMs: number;
  /** Shard the optimizer update across the ranks where communicator and backend can (see ReplicaHost). */
  readonly shardWeightUpdate?: boolean;
  /** Settings every rank of a multi-worker group must share, checked at rendezvous (see agreement.ts). */
  readonly agreement?: Readonly<Record<string, string>>;
}

export type Request =
  | { readonly id: number; readonly type: 'train'; readonly steps: readonly BatchRef[]; readonly preempt?: boolean; readonly totals?: boolean }
  | { readonly id: number; readonly type: 'evaluate'; readonly batch: BatchRef }
  | { readonly id: number; readonly type: 'predict'; readonly batch: BatchRef }
  | { readonly id: number; readonly type: 'computeGradients'; readonly batch: BatchRef }
  | { readonly id: number; readonly type: 'allReduce'; readonly buf: Float32Array; readonly op: ReduceOp }
  | { readonly id: number; readonly type: 'applyGradients'; readonly gradients: Float32Array }
  | { readonly id: number; readonly type: 'getWeights' }
  | { readonly id: number; readonly type: 'setWeights'; readonly weights: Float32Array }
  | { readonly id: number; readonly type: 'exportOptimizerState' }
  /** Collective: this replica hashes its weights and optimizer state, and every rank's hash is all-gathered. */
  | { readonly id: number; readonly type: 'stateHashes' }
  | { readonly id: number; readonly type: 'importOptimizerState'; readonly state: OptimizerState }
  | { readonly id: number; readonly type: 'setSlots'; readonly buffer: SharedArrayBuffer; readonly count: number; readonly maxExamples: number }
  | { readonly id: number; readonly type: 'close' };

/** A request before the pool numbers it. */
export type RequestBody = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** Per-step result of a train request, already summed across replicas by the all-reduce. */
export interface StepMetrics extends BatchMetrics, StepPhaseTimes {
  /** Wall time of the step in this replica from its start (after the data wait), ms. */
  readonly stepMs: number;
  /** Time inside the step's collectives, ms. */
  readonly allReduceMs: number;
  /** Some replica of some worker asked to stop (preemption): every rank sees it at the same step. */
  readonly stopRequested: boolean;
  /** On the last step of a train request that asked for them: every rank's busy and waiting totals so far. */
  readonly rankTotals?: RankTotals;
}

export type Reply =
  | {
      readonly type: 'ready';
      readonly rank: number;
      readonly backend: string;
      readonly communicator: string;
      readonly weights: number;
      readonly weightUpdate: WeightUpdateMode;
      readonly gradientBuffer: GradientBufferKind;
      readonly layout: WeightLayout;
    }
  | { readonly type: 'result'; readonly id: number; readonly value: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError }
  | { readonly type: 'fatal'; readonly error: SerializedError };

export interface SerializedError {
  readonly name: string;
  readonly code?: string;
  readonly message: string;
  readonly stack?: string;
  readonly retryable?: boolean;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) {
    const x = e as Error & { code?: unknown; retryable?: unknown };
    return {
      name: x.name,
      message: x.message,
      ...(typeof x.code === 'string' ? { code: x.code } : {}),
      ...(typeof x.retryable === 'boolean' ? { retryable: x.retryable } : {}),
      ...(x.stack ? { stack: x.stack } : {}),
    };
  }
  return { name: 'Error', message: String(e) };
}
