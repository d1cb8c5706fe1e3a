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
export { DEFAULT_COLLECTIVE_TIMEOUT_MS, SHARD_ALIGN_FLOATS, shardRange } from './contracts/communicator';
export type { Communicator, ReduceOp, CollectiveCallOptions } from './contracts/communicator';
export type { WeightEntry, WeightLayout } from './contracts/weight-layout';
export type { Batch } from './contracts/batch';
export type { OptimizerState } from './contracts/optimizer-state';
export { createFlatOptimizer } from './optimizers/create-flat-optimizer';
export type { FlatOptimizer } from './optimizers/flat-optimizer';
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
  ModelSpecLike,
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
export { glorotUniformInit, glorotLimit, initialWeightsForSpec, INIT_STREAM } from './model/glorot-init';

// --- cluster ---
export type { ClusterSpec } from './cluster/cluster-spec';
export { TFConfigClusterResolver } from './cluster/tf-config-cluster-resolver';
export type { EnvironmentVariables } from './cluster/tf-config-cluster-resolver';
export { SimpleClusterResolver, SIMPLE_RESOLVER_SOURCE } from './cluster/simple-cluster-resolver';
export type { SimpleClusterResolverOptions } from './cluster/simple-cluster-resolver';
export type { BaseClusterResolver } from './cluster/base-cluster-resolver';
export type { ClusterSource } from './cluster/base-cluster-resolver';
export { makeTfConfig, MAKE_TF_CONFIG_SOURCE } from './cluster/make-tf-config';
export type { MakeTfConfigOptions } from './cluster/make-tf-config';
export type { TfConfig, TfConfigJobName, VertexClusterSpec, VertexWorkerPool } from './cluster/tf-config-types';
export { TF_CONFIG_ENV, CLUSTER_SPEC_ENV } from './cluster/dialects';
export { checkHostPort, isAddressProblem, MIN_PORT, MAX_PORT } from './cluster/host-port';
export type { HostPort, AddressProblem } from './cluster/host-port';

// --- data ---
export type { ExampleSource } from './data/example-source';
export type {
  DistributedDataset,
  DistributeOptions,
  AutoShardPolicy,
  ResolvedShardPolicy,
  ShardedDataset,
} from './data/distributed-dataset';
export { fmix32, deriveSeed, mixSeed, Xoshiro128 } from './data/prng';
export { permutation, identityOrder, PassOrder, SHUFFLE_STREAM, DEFAULT_SHUFFLE_SEED } from './data/shuffle';
export { resolveAutoShardPolicy, assignFiles, shareOf, shardIndices, AUTO_SHARD_POLICIES } from './data/shard';
export type { ShardIndicesArgs } from './data/shard';
export { InputContext } from './data/input-context';
export type { InputContextInit } from './data/input-context';
export { BatchRing, splitEven, HEAP_ALLOCATOR, SHARED_ALLOCATOR, DEFAULT_RING_DEPTH } from './data/batch';
export type { BatchAllocator } from './data/batch';
export { stepsPerEpoch, stepLength, epochStart, streamPosition } from './data/virtual-epoch';
export type { StreamPosition } from './data/virtual-epoch';
export { StepPlan } from './data/step-plan';
export type { StepPlanConfig, StepRange } from './data/step-plan';
export {
  ITERATOR_STATE_VERSION,
  serializeIteratorState,
  parseIteratorState,
  checkStateMatches,
  readsGlobalStream,
} from './data/iterator-state';
export type { IteratorState } from './data/iterator-state';
export { planStepGroups, groupsPerEpoch, groupSteps } from './data/step-groups';
export type { StepGroup, StepGroupBatches } from './data/step-groups';
export { InMemorySource, BYTE_TO_UNIT } from './data/in-memory-source';
export type { InMemorySourceInit } from './data/in-memory-source';
export { parseIdx, parseIdxHeader, readIdxFile, readIdxDims, isGzip, IDX_UBYTE, IDX_MISSING_HINT } from './data/idx-reader';
export type { IdxArray } from './data/idx-reader';
export { encodeIdx } from './data/idx-writer';
export { loadIdxPair } from './data/idx-source';
export type { LoadIdxPairOptions } from './data/idx-source';
export {
  loadFashionMnist,
  DEFAULT_FASHION_MNIST_DIR,
  FASHION_MNIST_FILES,
  FASHION_MNIST_SHAPE,
  FASHION_MNIST_CLASSES,
} from './data/fashion-mnist';
export type { FashionMnist } from './data/fashion-mnist';
export { idxFileListSource, isFileListSource, concatSources } from './data/file-list-source';
export type { FileListSource, IdxShard } from './data/file-list-source';
export { gatherRange } from './data/gather';
export { distributeDataset } from './data/distribute';

// --- train ---
export type { FitOptions, History, EvaluateResult } from './train/fit-options';
export type { EpochLogs } from './train/epoch-logs';
export type { Callback, BatchLogs, ResumePoint } from './train/callback';
export type { FitContext } from './train/fit-context';
export type { TrainEngine, StepResult } from './train/train-engine';
export { runFitLoop, evaluateDataset } from './train/fit-loop';
export type { FitLoopOptions } from './train/fit-loop';
export { BackupAndRestore } from './train/backup-and-restore';
export type { BackupAndRestoreOptions } from './train/backup-and-restore';
export { PreemptionWatcher } from './train/preemption-watcher';

// --- checkpoint ---
export { CheckpointStore, CHECKPOINT_FORMAT_VERSION } from './checkpoint/checkpoint-store';
export type { Checkpoint, CheckpointMeta } from './checkpoint/checkpoint-store';
export { encodeSafetensors, decodeSafetensors } from './checkpoint/safetensors';
export type { NamedTensor } from './checkpoint/safetensors';

// --- strategy ---
export type { DistributedModel } from './contracts/strategy';
export type { PluginRef, BackendFactory, CommunicatorProvider } from './contracts/plugin-ref';
export { MirroredStrategy } from './strategy/mirrored-strategy';
export type { MirroredStrategyOptions } from './strategy/mirrored-strategy';
export type { WeightUpdateMode, GradientBufferKind } from './strategy/replica-messages';
export { MultiWorkerMirroredStrategy } from './strategy/multi-worker-mirrored-strategy';
export type { MultiWorkerMirroredStrategyOptions } from './strategy/multi-worker-mirrored-strategy';
export { EngineModel, DEFAULT_SEED, DEFAULT_EVAL_GLOBAL_BATCH } from './strategy/engine-model';
export type { EngineModelHooks } from './strategy/engine-model';
export { currentStrategy } from './strategy/current-strategy';
export { reducePerReplica } from './strategy/reduce-per-replica';
export { loadPluginExport } from './strategy/load-plugin';
export { ReplicaPool, replicaWorkerEntry } from './strategy/replica-pool';
export { siblingModule } from './strategy/sibling-module';
export type { ReplicaPoolOptions, Isolation } from './strategy/replica-pool';
export { MirroredEngine } from './strategy/mirrored-engine';
export { CompiledEngine } from './strategy/compiled-engine';
export { CompiledStrategy, DEFAULT_COMPILED_PER_REPLICA_BATCH } from './strategy/compiled-strategy';
export type { CompiledStrategyOptions } from './strategy/compiled-strategy';
