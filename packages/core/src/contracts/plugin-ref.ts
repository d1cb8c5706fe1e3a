/**
 * How a strategy reaches code it must not import: replicas run in worker threads or
 * child processes, so backends and communicators are named by module specifier and
 * export name, loaded inside each replica. Core never names a backend; the app passes
 * these references (see apps/trainer), so a third party's backend plugs in the same way.
 */
import type { OrchestratedBackend } from './backend';
import type { Communicator } from './communicator';

export interface PluginRef {
  /** A module specifier or absolute file path that `import()` accepts in the replica. */
  readonly module: string;
  /** The named export to use. */
  readonly export: string;
  /** Structured-cloneable options handed to the export. */
  readonly options?: unknown;
}

/** What a backend PluginRef's export must be: a factory called once per replica. */
export type BackendFactory = (options: unknown) => OrchestratedBackend | Promise<OrchestratedBackend>;

/**
 * What a communicator PluginRef's export must be. `prepareGroup` runs once on the
 * coordinator and returns a structured-cloneable descriptor (a SharedArrayBuffer, a
 * list of socket addresses...); `join` runs in each replica with that descriptor.
 */
export interface CommunicatorProvider {
  prepareGroup(size: number, options: unknown): unknown | Promise<unknown>;
  join(group: unknown, rank: number, options: unknown): Promise<Communicator>;
  /** Releases what prepareGroup made (files, sockets), after every replica closed. */
  releaseGroup?(group: unknown): void | Promise<void>;
}
