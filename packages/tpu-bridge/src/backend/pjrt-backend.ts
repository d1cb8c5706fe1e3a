/**
 * The "pjrt" CompiledBackend: compiles core's ModelSpec into one XLA program per train
 * step (see stablehlo/train-step-module.ts) and runs it through a PJRT plugin: the XLA
 * CPU plugin by default, a CUDA plugin or libtpu by path. One PJRT client per backend,
 * created on first use and shared by its programs; close() destroys it.
 */
import { glorotUniformInit, InvalidConfigError, type CompiledBackend, type CompiledBuildOptions, type ModelSpec } from '@syncline/core';
import { PjrtClient } from '../pjrt/client';
import { loadPjrtPlugin } from '../pjrt/load-plugin';
import type { NamedValue } from '../pjrt/named-values';
import { basename } from 'node:path';
import { CPU_PLUGIN_FILE, defaultCpuPluginPath } from '../pjrt/plugin-path';
import { planModel } from '../stablehlo/model-plan';
import { DeviceState } from './device-state';
import { PjrtCompiledProgram } from './pjrt-compiled-program';

export const PJRT_BACKEND_NAME = 'pjrt';

/** XLA flag that keeps each CPU device's ops on its own thread (see singleThreadedCpuDevices). */
export const CPU_SINGLE_THREAD_FLAG = '--xla_cpu_multi_thread_eigen=false';

/**
 * On the XLA CPU plugin, replicas are devices sharing one Eigen thread pool of #cores
 * threads. A cross-replica all_reduce then blocks a pool thread while the other replica's
 * multi-threaded ops wait for pool threads: with 2 devices on 2 cores this deadlocked
 * (XLA aborts the process after 40 s in its rendezvous). One thread per device, as data
 * parallelism wants anyway, removes the nested waits. Set before the plugin parses
 * XLA_FLAGS; a user's own setting of the flag wins.
 */
export function singleThreadedCpuDevices(env: NodeJS.ProcessEnv = process.env): void {
  const flags = env.XLA_FLAGS ?? '';
  if (!flags.includes('xla_cpu_multi_thread_eigen')) env.XLA_FLAGS = `${flags} ${CPU_SINGLE_THREAD_FLAG}`.trim();
}

export interface PjrtBackendOptions {
  /** PJRT plugin library; default: the cached XLA CPU plugin (tools/scripts/fetch-pjrt-plugin.sh). */
  readonly pluginPath?: string;
  /** XLA CPU plugin only: number of CPU devices (its `cpu_device_count` create option). */
  readonly deviceCount?: number;
  /** Further plugin-specific PJRT_Client_Create options. */
  readonly createOptions?: Readonly<Record<string, NamedValue>>;
}

export class PjrtBackend implements CompiledBackend {
  readonly name = PJRT_BACKEND_NAME;
  readonly stepShape = 'compiled' as const;
  #client: PjrtClient | null = null;
  readonly #programs = new Set<PjrtCompiledProgram>();

  constructor(readonly options: PjrtBackendOptions = {}) {}

  /** The PJRT client (created on first call). */
  client(): PjrtClient {
    if (!this.#client) {
      const path = this.options.pluginPath ?? defaultCpuPluginPath();
      if (basename(path) === CPU_PLUGIN_FILE) singleThreadedCpuDevices();
      const api = loadPjrtPlugin(path);
      const create: Record<string, NamedValue> = { ...(this.options.createOptions ?? {}) };
      if (this.options.deviceCount !== undefined) create.cpu_device_count = this.options.deviceCount;
      this.#client = PjrtClient.create(api, create);
    }
    return this.#client;
  }

  /**
   * Builds the program: plans the model, compiles the stepsPerExecution-step module for
   * numReplicas devices, and uploads Glorot-initialised weights (from `seed`) and zero
   * optimizer state to every device.
   * @throws InvalidConfigError for bad sizes or too few devices; BackendError from PJRT.
   */
  async compile(spec: ModelSpec, options: CompiledBuildOptions): Promise<PjrtCompiledProgram> {
    const { numReplicas, perReplicaBatch, stepsPerExecution, seed } = options;
    for (const [field, v] of Object.entries({ numReplicas, perReplicaBatch, stepsPerExecution })) {
      if (!Number.isInteger(v) || v < 1) throw new InvalidConfigError(field, v, 'a positive integer', { source: 'pjrt backend' });
    }
    const client = this.client();
    if (client.devices.length < numReplicas) {
      throw new InvalidConfigError(
        'numReplicas',
        numReplicas,
        `at most the ${client.devices.length} devices the ${client.platformName} plugin offers` + (client.platformName === 'cpu' ? ' (raise deviceCount)' : ''),
        { source: 'pjrt backend' },
      );
    }
    const devices = client.devices.slice(0, numReplicas);
    const plan = planModel(spec);
    const weights = glorotUniformInit(plan.layout, seed);
    const slots = plan.optimizer.slotNames.map(() => new Float32Array(plan.layout.totalSize));
    const state = DeviceState.upload(client, devices, plan, weights, slots, 0);
    const program = new PjrtCompiledProgram(client, devices, plan, { numReplicas, perReplicaBatch, stepsPerExecution, seed }, state, () =>
      this.#programs.delete(program),
    );
    this.#programs.add(program);
    try {
      program.prepare(stepsPerExecution);
    } catch (e) {
      await program.dispose();
      throw e;
    }
    return program;
  }

  /**
   * Disposes every program of this backend (each waits for its call in flight), then
   * destroys the PJRT client. Safe to call twice; compile() afterwards starts a new client.
   */
  async close(): Promise<void> {
    await Promise.all([...this.#programs].map((p) => p.dispose()));
    this.#client?.destroy();
    this.#client = null;
  }
}

/** A new "pjrt" backend (the plugin loads on first compile). */
export function createPjrtBackend(options: PjrtBackendOptions = {}): PjrtBackend {
  return new PjrtBackend(options);
}
