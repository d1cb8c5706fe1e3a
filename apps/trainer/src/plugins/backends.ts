/**
 * The app's choice of plugins: which backend factory and which communicator provider
 * each replica loads, by absolute module path (resolved here, where the packages are
 * dependencies), so replicas load exactly the copies this app was installed with.
 */
import { Registry, siblingModule, type PluginRef } from '@syncline/core';
import type { BackendName } from '../commands/train-options';

export interface BackendChoice {
  readonly name: BackendName;
  readonly ref: PluginRef;
}

/** Resolves a sibling module of this file (the .ts source under tsx/jest, the built .js otherwise). */
export function ownModule(base: string): string {
  return siblingModule(__dirname, base, 'plugins', '@syncline/trainer');
}

export function registerBackends(registry: Registry<BackendChoice>): void {
  registry.register('tfjs', () => ({ name: 'tfjs', ref: { module: require.resolve('@syncline/backend-tfjs'), export: 'createTfjsBackend' } }), 10);
  registry.register('onnx', () => ({ name: 'onnx', ref: { module: require.resolve('@syncline/backend-onnx'), export: 'createOnnxBackend' } }), 20);
}

export function backendRegistry(): Registry<BackendChoice> {
  const r = new Registry<BackendChoice>('backend');
  registerBackends(r);
  return r;
}

/** The communicator provider spanning every worker of a TF_CONFIG cluster. */
export function multiWorkerCommunicatorRef(options: { workerRank: number; addresses: readonly string[]; timeoutMs: number }): PluginRef {
  return { module: ownModule('multi-worker-provider'), export: 'multiWorkerProvider', options };
}

/** The communicator provider for replicas of the given isolation. */
export function communicatorRef(isolation: 'thread' | 'process', timeoutMs: number): PluginRef {
  return isolation === 'thread'
    ? { module: ownModule('shared-memory-provider'), export: 'sharedMemoryProvider', options: { timeoutMs } }
    : { module: ownModule('socket-ring-provider'), export: 'socketRingProvider', options: { timeoutMs } };
}
