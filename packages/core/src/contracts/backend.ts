/**
 * A compute backend builds replica programs from core's model spec. A backend declares
 * the train-step shape it offers: `orchestrated` (the strategy all-reduces between
 * computeGradients and applyGradients) or `compiled` (one program holds the whole step).
 * Backend-specific options live in the backend's own package, never here.
 */
import type { CompiledProgram } from './compiled-program';
import type { ReplicaProgram } from './replica-program';
import type { ModelSpec } from '../spec/model-spec';

export interface BuildOptions {
  /** Seed for weight initialisation and dropout masks; same seed, same weights. */
  readonly seed: number;
  /** Replica index (0-based) among numReplicas, for per-replica dropout streams. */
  readonly replicaId?: number;
  readonly numReplicas?: number;
}

export interface OrchestratedBackend {
  readonly name: string;
  readonly stepShape: 'orchestrated';
  createReplica(spec: ModelSpec, options: BuildOptions): Promise<ReplicaProgram>;
}

export interface CompiledBuildOptions extends BuildOptions {
  readonly numReplicas: number;
  readonly perReplicaBatch: number;
  readonly stepsPerExecution: number;
}

export interface CompiledBackend {
  readonly name: string;
  readonly stepShape: 'compiled';
  compile(spec: ModelSpec, options: CompiledBuildOptions): Promise<CompiledProgram>;
}

export type Backend = OrchestratedBackend | CompiledBackend;
