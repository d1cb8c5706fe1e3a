/**
 * TPUStrategy, as tf.distribute.TPUStrategy: the replicas are the PJRT devices this host
 * can address (TPU cores through libtpu, GPUs through the CUDA plugin, CPU devices through
 * the XLA CPU plugin); each call runs `stepsPerExecution` whole train steps (forward,
 * backward, cross-replica all-reduce, update) as one compiled program. Built on core's
 * CompiledStrategy, so fit/evaluate/predict, callbacks and checkpoints are shared with
 * MirroredStrategy.
 */
import { CompiledStrategy, type BackendRef } from '@syncline/core';
import { createPjrtBackend, type PjrtBackend, type PjrtBackendOptions } from './backend/pjrt-backend';
import { pjrtOptionsOf } from './backend/pjrt-plugin';
import type { TPUClusterResolver } from './resolver/tpu-cluster-resolver';

export interface TPUStrategyOptions {
  /** Where the plugin is (resolver.requirePluginPath()); default: the XLA CPU plugin. */
  readonly resolver?: TPUClusterResolver;
  /** Steps per host call (Keras's steps_per_execution); fit may override it. Default 1. */
  readonly stepsPerExecution?: number;
  /** Devices to replicate over; default every addressable device. */
  readonly numReplicas?: number;
  /** The backend: `pjrt({ pluginPath?, deviceCount?, createOptions? })`, or those options themselves. */
  readonly backend?: BackendRef | PjrtBackendOptions;
}

export class TPUStrategy extends CompiledStrategy {
  readonly backend: PjrtBackend;

  constructor(options: TPUStrategyOptions = {}) {
    const backendOptions = pjrtOptionsOf(options.backend);
    const pluginPath = options.resolver ? options.resolver.requirePluginPath() : backendOptions.pluginPath;
    const backend = createPjrtBackend({ ...backendOptions, ...(pluginPath ? { pluginPath } : {}) });
    const devices = backend.client().devices.length;
    super({
      backend,
      numReplicas: options.numReplicas ?? devices,
      ...(options.stepsPerExecution !== undefined ? { stepsPerExecution: options.stepsPerExecution } : {}),
      name: 'TPUStrategy',
    });
    this.backend = backend;
  }

  /** Disposes every model, then the PJRT client. */
  override async close(): Promise<void> {
    await super.close();
    await this.backend.close();
  }
}
