/**
 * Thread budget of `syncline train`: replicas x intra-op threads never exceed this
 * machine's cores unless asked, because oversubscribed compute threads (two replicas each
 * running TensorFlow's default one-thread-per-core pool) slow every step.
 *
 * TensorFlow (tfjs-node) sizes its intra-op pool from TF_NUM_INTRAOP_THREADS when it first
 * loads, and that pool is shared by the whole process: thread replicas share one pool of
 * replicas x threadsPerReplica threads; each process replica has its own pool of
 * threadsPerReplica. Either way the variable is set in this process's environment before
 * any replica starts (worker threads and child processes read it from there).
 * onnxruntime sessions get intraOpNumThreads = threadsPerReplica when it is given (their
 * default is already one thread per replica).
 * Asked means `--threads-per-replica N` (any N, even past the cores) or TF_NUM_INTRAOP_THREADS
 * already in the environment (left as it is). The choice is logged once.
 */
import { availableParallelism } from 'node:os';

export const TF_INTRA_OP_ENV = 'TF_NUM_INTRAOP_THREADS';

export interface ThreadBudgetInput {
  /** Replicas in this process's machine share (per worker for multi-worker). */
  readonly replicas: number;
  readonly isolation: 'thread' | 'process';
  /** `--threads-per-replica`, when given. */
  readonly threadsPerReplica?: number;
}

export interface ThreadBudget {
  readonly threadsPerReplica: number;
  /** Variables to set in this process's environment before replicas start. */
  readonly processEnv: Readonly<Record<string, string>>;
  /** The one line to log. */
  readonly line: string;
}

/** The budget for `input` on a machine with `cores` cores, given the current environment. */
export function threadBudget(input: ThreadBudgetInput, cores: number = availableParallelism(), env: NodeJS.ProcessEnv = process.env): ThreadBudget {
  const { replicas, isolation } = input;
  const preset = env[TF_INTRA_OP_ENV];
  const explicit = input.threadsPerReplica;
  const threadsPerReplica = explicit ?? Math.max(1, Math.floor(cores / replicas));
  const poolSize = isolation === 'thread' ? replicas * threadsPerReplica : threadsPerReplica;
  const total = replicas * threadsPerReplica;
  const why =
    explicit !== undefined
      ? `--threads-per-replica ${explicit}${total > cores ? `; ${total} threads on ${cores} cores, oversubscribed as asked` : ''}`
      : `${cores} cores / ${replicas} replicas; --threads-per-replica N to change`;
  if (preset !== undefined && explicit === undefined) {
    return {
      threadsPerReplica,
      processEnv: {},
      line: `syncline: ${TF_INTRA_OP_ENV}=${preset} from the environment is left as it is (TensorFlow's intra-op pool; ${why})`,
    };
  }
  const where = isolation === 'thread' ? `one pool shared by the ${replicas} thread replicas` : 'in each replica process';
  return {
    threadsPerReplica,
    processEnv: { [TF_INTRA_OP_ENV]: String(poolSize) },
    line: `syncline: ${replicas} replica(s) x ${threadsPerReplica} intra-op thread(s) (${why}): ${TF_INTRA_OP_ENV}=${poolSize}, ${where}`,
  };
}
