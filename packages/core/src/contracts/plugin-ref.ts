/**
 * The one seam between a strategy and the code it must not import. Replicas run in worker
 * threads or child processes, so a backend or communicator reaches them as a reference: the
 * module that exports it (an absolute path or file URL the plugin package computes for
 * itself), the export's name, and structured-cloneable options. Plugin packages hand out
 * typed references (`tfjs()`, `onnx()`, `pjrt()`, `sharedMemory()`, `socketRing()`,
 * `multiWorker()`); core loads what a reference names inside each replica's own isolate.
 * Core never names a backend, so a third party's plugin plugs in the same way (see
 * `backendRef` / `communicatorRef`).
 */
import type { CompiledBackend, OrchestratedBackend } from './backend';
import type { Communicator } from './communicator';

/** What a reference points at. */
export type PluginKind = 'backend' | 'communicator';

export interface PluginRef<TOptions = unknown> {
  /** What the export is; strategies refuse a reference of the wrong kind. Absent on hand-written refs. */
  readonly kind?: PluginKind;
  /** The plugin's name, for messages and results (e.g. "tfjs", "shared-memory"). */
  readonly name?: string;
  /** A module specifier, absolute file path or file URL that the replica can load. */
  readonly module: string;
  /** The named export to use. */
  readonly export: string;
  /** Structured-cloneable options handed to the export. */
  readonly options?: TOptions;
}

/** The train-step shape a backend offers (see contracts/backend.ts). */
export type StepShape = 'orchestrated' | 'compiled';

/**
 * A typed reference to a backend factory (`BackendFactory` for orchestrated backends,
 * `CompiledBackendFactory` for compiled ones), as `tfjs()`, `onnx()` and `pjrt()` return.
 */
export interface BackendRef<TOptions = unknown> extends PluginRef<TOptions> {
  readonly kind: 'backend';
  readonly name: string;
  readonly stepShape: StepShape;
}

/** Where a communicator's replicas may run: threads of one process, processes, or either. */
export type CommunicatorIsolation = 'thread' | 'process' | 'any';

/** A typed reference to a `CommunicatorProvider`, as `sharedMemory()` or `socketRing()` return. */
export interface CommunicatorRef<TOptions = unknown> extends PluginRef<TOptions> {
  readonly kind: 'communicator';
  readonly name: string;
  /** Which replica isolation the provider can serve; a strategy refuses the others before starting anything. */
  readonly isolation: CommunicatorIsolation;
  /** True when the provider spans the workers of a cluster (MultiWorkerMirroredStrategy). */
  readonly multiWorker?: boolean;
}

/** What an orchestrated backend reference's export must be: a factory called once per replica. */
export type BackendFactory = (options: unknown) => OrchestratedBackend | Promise<OrchestratedBackend>;

/** What a compiled backend reference's export must be: a factory called once, on the coordinator. */
export type CompiledBackendFactory = (options: unknown) => CompiledBackend | Promise<CompiledBackend>;

/**
 * What the strategy tells a provider about the group it prepares: the collective timeout,
 * and where this process sits among the cluster's workers (one worker for MirroredStrategy).
 */
export interface GroupContext {
  /** Timeout of every collective, ms (the strategy's timeoutMs). */
  readonly timeoutMs: number;
  /** How the replicas run: worker threads of this process, or child processes. */
  readonly isolation: 'thread' | 'process';
  /** This worker's rank among the cluster's training tasks (chief first); 0 on one machine. */
  readonly workerRank: number;
  /** Every training task's address, by rank; one entry (this machine) for MirroredStrategy. */
  readonly workerAddresses: readonly string[];
}

/**
 * What a communicator reference's export must be. `prepareGroup` runs once on the
 * coordinator and returns a structured-cloneable descriptor (a SharedArrayBuffer, a list of
 * socket addresses...); `join` runs in each replica with that descriptor.
 */
export interface CommunicatorProvider {
  prepareGroup(size: number, options: unknown, context?: GroupContext): unknown | Promise<unknown>;
  join(group: unknown, rank: number, options: unknown): Promise<Communicator>;
  /** Releases what prepareGroup made (files, sockets), after every replica closed. */
  releaseGroup?(group: unknown): void | Promise<void>;
}
