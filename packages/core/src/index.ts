/**
 * @syncline/core public surface. Every export is named here; nothing else is public.
 * Sections are kept per area so parallel changes do not collide.
 */

// --- errors ---
export { SynclineError, isSynclineError } from './errors/syncline-error';
export type { SynclineErrorCode } from './errors/syncline-error';
export { InvalidConfigError } from './errors/invalid-config-error';
export { NotRegisteredError } from './errors/not-registered-error';
export { DuplicateRegistrationError } from './errors/duplicate-registration-error';
export { ContractViolationError } from './errors/contract-violation-error';
export { UnsupportedOperationError } from './errors/unsupported-operation-error';
export { ShardMismatchError } from './errors/shard-mismatch-error';
export { CollectiveTimeoutError } from './errors/collective-timeout-error';
export { WorkerLostError } from './errors/worker-lost-error';
export { AuthFailedError } from './errors/auth-failed-error';
export { ProtocolError } from './errors/protocol-error';
export { DataError } from './errors/data-error';
export { ShapeMismatchError } from './errors/shape-mismatch-error';
export { NoUsableBackendError } from './errors/no-usable-backend-error';
export { CheckpointError } from './errors/checkpoint-error';
export { BackendError } from './errors/backend-error';

// --- contracts ---
export { DEFAULT_COLLECTIVE_TIMEOUT_MS } from './contracts/communicator';
export type { Communicator, ReduceOp, CollectiveCallOptions } from './contracts/communicator';
export type { WeightEntry, WeightLayout } from './contracts/weight-layout';
export type { Batch } from './contracts/batch';
export type { OptimizerState } from './contracts/optimizer-state';
export type { ReplicaProgram, GradientResult, BatchMetrics } from './contracts/replica-program';
export type { CompiledProgram, StackedBatches } from './contracts/compiled-program';
export type {
  Backend,
  OrchestratedBackend,
  CompiledBackend,
  BuildOptions,
  CompiledBuildOptions,
} from './contracts/backend';
export type { Strategy, PerReplica, ReplicaContext } from './contracts/strategy';
export type { ClusterResolver, TaskType } from './contracts/cluster-resolver';

// --- registry ---
export { Registry } from './registry/registry';
export type { Factory } from './registry/registry';

// --- model ---
export {
  modelSpecSchema,
  layerSpecSchema,
  optimizerSpecSchema,
} from './model/spec';
export type {
  ModelSpec,
  ModelSpecInput,
  LayerSpec,
  OptimizerSpec,
  Activation,
  DenseLayerSpec,
  Conv2dLayerSpec,
  MaxPool2dLayerSpec,
  AveragePool2dLayerSpec,
  FlattenLayerSpec,
  DropoutLayerSpec,
  ActivationLayerSpec,
} from './model/spec';
export { parseModelSpec } from './model/parse-model-spec';
export { inferShapes, numClasses, windowOutput, pair } from './model/shapes';
export type { LayerShapes, ParamShape } from './model/shapes';
export { MLP_PRESET, CNN_PRESET, presetModelSpec } from './model/presets';
export type { PresetName } from './model/presets';
export { weightLayoutOf } from './model/weight-layout-of';

// --- cluster ---
export type { ClusterSpec } from './cluster/cluster-spec';

// --- data ---
export type { ExampleSource } from './data/example-source';
export type { DistributedDataset, DistributeOptions, AutoShardPolicy } from './data/distributed-dataset';

// --- train ---
export type { FitOptions, History, EvaluateResult } from './train/fit-options';
export type { EpochLogs } from './train/epoch-logs';
export type { Callback, BatchLogs } from './train/callback';

// --- strategy ---
