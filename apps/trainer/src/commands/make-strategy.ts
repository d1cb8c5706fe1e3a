/**
 * Builds the strategy `syncline train` asked for, from flags and the environment:
 * mirrored (threads or processes on this machine) or multi-worker (TF_CONFIG /
 * CLUSTER_SPEC; one process per training task). Logs the resolved role of a worker and
 * the thread budget (thread-budget.ts), applied before any replica starts.
 */
import { MirroredStrategy, MultiWorkerMirroredStrategy, TFConfigClusterResolver, InvalidConfigError, type BackendRef, type Strategy } from '@syncline/core';
import { multiWorker, sharedMemory, socketRing } from '@syncline/collective';
import { TPUStrategy } from '@syncline/tpu-bridge';
import type { TrainOptions } from './train-options';
import { threadBudget } from './thread-budget';

export interface MadeStrategy {
  readonly strategy: Strategy;
  /** Writes checkpoints, reports and TensorBoard logs (the chief, or the only process). */
  readonly isChief: boolean;
  readonly rank: number;
  readonly worldSize: number;
}

export function makeStrategy(o: TrainOptions, backend: BackendRef, log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): MadeStrategy {
  const compiled = backend.stepShape === 'compiled';
  if (compiled !== (o.strategy === 'tpu')) {
    throw compiled
      ? new InvalidConfigError('--strategy', o.strategy, `"tpu" with --backend ${backend.name} (it runs compiled steps only)`)
      : new InvalidConfigError('--backend', o.backend, `a compiled backend ("pjrt") with --strategy tpu (the TPU strategy compiles the whole step)`);
  }
  const budget = o.strategy === 'tpu' ? undefined : threadBudget(o, undefined, env);
  if (budget) {
    Object.assign(env, budget.processEnv);
    log(budget.line);
  }
  if (o.strategy === 'mirrored') {
    const strategy = new MirroredStrategy({
      replicas: o.replicas,
      isolation: o.isolation,
      backend,
      communicator: o.isolation === 'thread' ? sharedMemory() : socketRing(),
      timeoutMs: o.timeoutMs,
      shardWeightUpdate: o.shardUpdate,
      ...(o.pinGpus ? { envFor: (rank: number) => ({ CUDA_VISIBLE_DEVICES: String(rank) }) } : {}),
    });
    return { strategy, isChief: true, rank: 0, worldSize: 1 };
  }
  if (o.strategy === 'multi-worker') {
    const resolver = TFConfigClusterResolver.fromEnv(env);
    if (resolver.isLocal) {
      throw new InvalidConfigError('TF_CONFIG', undefined, 'a cluster for --strategy multi-worker (set TF_CONFIG or CLUSTER_SPEC, or use `syncline launch`)');
    }
    log(`syncline: ${resolver.describe()}`); // rank, role, own address and peers, once
    const strategy = new MultiWorkerMirroredStrategy({
      clusterResolver: resolver,
      replicasPerWorker: o.replicas,
      isolation: o.isolation,
      backend,
      communicator: multiWorker(o.tls ? { tls: o.tls } : {}),
      timeoutMs: o.timeoutMs,
    });
    return { strategy, isChief: resolver.isChief, rank: resolver.rank, worldSize: resolver.worldSize };
  }
  if (o.strategy === 'tpu') {
    // The whole step compiled through PJRT; replicas are the plugin's devices.
    const strategy = new TPUStrategy({ stepsPerExecution: o.stepsPerExecution, backend });
    const client = strategy.backend.client();
    log(`syncline: PJRT ${client.platformName} plugin, ${client.devices.length} device(s); replicating over ${strategy.numReplicasInSync}`);
    return { strategy, isChief: true, rank: 0, worldSize: 1 };
  }
  throw new InvalidConfigError('--strategy', o.strategy, '"mirrored", "multi-worker" or "tpu"');
}
