/**
 * ONNX Runtime session options this backend exposes, and their translation to
 * onnxruntime-node's. Defaults: one intra-op thread per replica (replicas are the
 * parallelism), all graph optimisations, the CPU execution provider.
 */
import * as ort from 'onnxruntime-node';
import { BackendError } from '@syncline/core';

/** Default intra-op threads per replica session. */
export const DEFAULT_INTRA_OP_THREADS = 1;

export interface OnnxSessionOptions {
  /** Threads ORT may use inside one op, per replica. Default 1. */
  readonly intraOpNumThreads?: number;
  /** ORT graph optimisation level. Default "all". */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Execution providers in preference order, e.g. ["cuda", "cpu"]. Default ["cpu"]. */
  readonly executionProviders?: readonly string[];
  /** Write ORT's per-op JSON profile with this file prefix (for benchmarks). */
  readonly profileFilePrefix?: string;
}

export function toOrtOptions(o: OnnxSessionOptions = {}): ort.InferenceSession.SessionOptions {
  const threads = o.intraOpNumThreads ?? DEFAULT_INTRA_OP_THREADS;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new BackendError('onnx', `intraOpNumThreads is ${threads}; expected an integer >= 1`);
  }
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: o.graphOptimizationLevel ?? 'all',
    executionProviders: [...(o.executionProviders ?? ['cpu'])],
    ...(o.profileFilePrefix ? { enableProfiling: true, profileFilePrefix: o.profileFilePrefix } : {}),
  };
}

/**
 * Creates an ORT session over serialised model bytes.
 * @throws BackendError naming `what` and ORT's message when the model does not load.
 */
export async function createSession(bytes: Uint8Array, what: string, options?: OnnxSessionOptions): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, toOrtOptions(options));
  } catch (cause) {
    throw new BackendError('onnx', `onnxruntime could not load the ${what} graph: ${(cause as Error).message ?? String(cause)}`, { cause });
  }
}
