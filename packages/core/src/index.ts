/**
 * @syncline/core public surface: what a user needs to train (strategies, data, model spec,
 * callbacks, checkpoints, cluster configuration) plus what a plugin author implements
 * (contracts, typed references, the helpers every backend shares). Every export is named
 * here; the replica runtime, fit loop engines and data-pipeline internals are not public.
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
export { ClusterMismatchError } from './errors/cluster-mismatch-error';
export type { ClusterMember, ClusterMismatchKind, ClusterMismatchOptions } from './errors/cluster-mismatch-error';
export { AddressInUseError } from './errors/address-in-use-error';
export { ProtocolError } from './errors/protocol-error';
export { DataError } from './errors/data-error';
export { ShapeMismatchError } from './errors/shape-mismatch-error';
export { NoUsableBackendError } from './errors/no-usable-backend-error';
export { CheckpointError } from './errors/checkpoint-error';
export { CheckpointDirLockedError } from './errors/checkpoint-dir-locked-error';
export { BackendError } from './errors/backend-error';
export { ConfigMismatchError } from './errors/config-mismatch-error';
export { IntegrityError } from './errors/integrity-error';
export { ReplicaDivergenceError, type ReplicaStateGroup } from './errors/replica-divergence-error';
export { OutputPathError } from './errors/output-path-error';
export type { MismatchedValue } from './errors/config-mismatch-error';

// --- strategies (what a user trains with) ---
export { MirroredStrategy } from './strategy/mirrored-strategy';
export type { MirroredStrategyOptions } from './strategy/mirrored-strategy';
export { MultiWorkerMirroredStrategy } from './strategy/multi-worker-mirrored-strategy';
export type { MultiWorkerMirroredStrategyOptions } from './strategy/multi-worker-mirrored-strategy';
export { CompiledStrategy, DEFAULT_COMPILED_PER_REPLICA_BATCH } from './strategy/compiled-strategy';
export type { CompiledStrategyOptions } from './strategy/compiled-strategy';
export { currentStrategy } from './strategy/current-strategy';
export { synclineVersion } from './version';
export { DEFAULT_SEED } from './internal/engine/engine-model';
export type { Isolation } from './internal/replica/replica-pool';
export type { WeightUpdateMode, GradientBufferKind } from './internal/replica/replica-messages';

// --- plugin references (what plugin packages hand out, and how a third party makes its own) ---
export { backendRef, communicatorRef } from './plugins/plugin-refs';
export type {
  PluginRef,
  PluginKind,
  BackendRef,
  CommunicatorRef,
  CommunicatorIsolation,
  StepShape,
  BackendFactory,
  CompiledBackendFactory,
  CommunicatorProvider,
  GroupContext,
} from './contracts/plugin-ref';

// --- contracts (what plugins implement) ---
export { DEFAULT_COLLECTIVE_TIMEOUT_MS, SHARD_ALIGN_FLOATS, shardRange } from './contracts/communicator';
export type { Communicator, ReduceOp, CollectiveCallOptions } from './contracts/communicator';
export type { WeightEntry, WeightLayout } from './contracts/weight-layout';
export type { Batch, BatchAllocator, LabelKind, Labels } from './contracts/batch';
export type { OptimizerState } from './contracts/optimizer-state';
export type { ReplicaProgram, GradientResult, BatchMetrics } from './contracts/replica-program';
export type { CompiledProgram, StackedBatches } from './contracts/compiled-program';
export type { Backend, OrchestratedBackend, CompiledBackend, BuildOptions, CompiledBuildOptions } from './contracts/backend';
export type { Strategy, PerReplica, ReplicaContext, DistributedModel, CreateModelOptions } from './contracts/strategy';
export type { ClusterResolver, TaskType } from './contracts/cluster-resolver';

// --- helpers every backend shares (same seed, same weights, same optimizer on every backend) ---
export { createFlatOptimizer } from './optimizers/create-flat-optimizer';
export type { FlatOptimizer } from './optimizers/flat-optimizer';
export { lrScheduleFactor } from './optimizers/lr-schedule';
export { globalNormClipScale } from './optimizers/clip';
export { lrScheduleSchema } from './spec/optimizer-controls';
export type { LrScheduleSpec } from './spec/optimizer-controls';
export { glorotUniformInit } from './model/glorot-init';
export { mixSeed, Xoshiro128 } from './random/prng';

// --- registry ---
export { Registry } from './registry/registry';
export type { Factory } from './registry/registry';

// --- model spec ---
export { modelSpecSchema, layerSpecSchema, optimizerSpecSchema, MODEL_INPUT_NAME } from './spec/model-spec';
export { lossSpecSchema, lossNameSchema, PROBABILITY_EPSILON, resolveLossAgainst } from './spec/loss-spec';
export type { LossName, LossSpec, ResolvedLoss } from './spec/loss-spec';
export { metricSpecSchema, metricNameSchema, metricListSchema, metricName, DEFAULT_TOP_K, DEFAULT_AUC_THRESHOLDS } from './spec/metric-spec';
export type { MetricName, MetricSpec, MetricSpecInput } from './spec/metric-spec';
export { metricLayout, metricLogs, validationKey, addSums, METRIC_LOG_KEYS } from './model/metric-layout';
export type { MetricLayout, MetricSlot } from './model/metric-layout';
export { addMetricSums } from './model/metric-sums';
export { aucThresholds, aucFromCounts, AUC_EPSILON } from './model/auc';
export { resolveLoss, finalActivation, labelBounds, labelKindOf, labelInBounds, describeLabelBounds, type LabelBounds } from './model/resolve-loss';
export { isMergeLayer, exampleAxis } from './model/layer-shapes';
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
  BatchNormalizationLayerSpec,
  LayerNormalizationLayerSpec,
  GlobalAveragePooling2dLayerSpec,
  ReshapeLayerSpec,
  MergeLayerSpec,
  MultiHeadAttentionLayerSpec,
} from './spec/model-spec';
export { parseModelSpec } from './model/parse-model-spec';
export { inferShapes, numClasses, pair } from './model/shapes';
export type { LayerShapes, ParamShape } from './model/shapes';
export { MLP_PRESET, CNN_PRESET, presetModelSpec } from './model/presets';
export type { PresetName } from './model/presets';
export { weightLayoutOf } from './model/weight-layout-of';

// --- cluster configuration ---
export type { ClusterSpec } from './contracts/cluster-spec';
export { TFConfigClusterResolver } from './cluster/tf-config-cluster-resolver';
export type { EnvironmentVariables } from './cluster/tf-config-cluster-resolver';
export { SimpleClusterResolver } from './cluster/simple-cluster-resolver';
export type { SimpleClusterResolverOptions } from './cluster/simple-cluster-resolver';
export { makeTfConfig } from './cluster/make-tf-config';
export type { MakeTfConfigOptions } from './cluster/make-tf-config';
export type { TfConfig, TfConfigJobName, VertexClusterSpec, VertexWorkerPool } from './cluster/tf-config-types';
export { TF_CONFIG_ENV, CLUSTER_SPEC_ENV } from './cluster/dialects';
export { MIN_PORT, MAX_PORT } from './cluster/host-port';

// --- data ---
export type { ExampleSource } from './contracts/example-source';
export type { DistributedDataset, DistributeOptions } from './contracts/distributed-dataset';
export type { AutoShardPolicy, ResolvedShardPolicy } from './contracts/shard-policy';
export type { ShardedDataset } from './data/sharded-dataset';
export type { IteratorState } from './data/iterator-state';
export { distributeDataset } from './data/distribute';
export { InputContext } from './data/input-context';
export type { InputContextInit } from './data/input-context';
export { shardIndices } from './data/shard';
export type { ShardIndicesArgs } from './data/shard';
export { stepsPerEpoch } from './data/virtual-epoch';
export { InMemorySource } from './data/in-memory-source';
export type { InMemorySourceInit } from './data/in-memory-source';
export { parseIdx, readIdxFile } from './data/idx-reader';
export type { IdxArray } from './data/idx-reader';
export { encodeIdx } from './data/idx-writer';
export { loadIdxPair } from './data/idx-source';
export type { LoadIdxPairOptions } from './data/idx-source';
export { loadFashionMnist, DEFAULT_FASHION_MNIST_DIR, FASHION_MNIST_FILES, FASHION_MNIST_SHAPE, FASHION_MNIST_CLASSES } from './data/fashion-mnist';
export type { FashionMnist, LoadFashionMnistOptions } from './data/fashion-mnist';
export { openStreamSource, resolveDataPaths, detectFormat, formatOfName } from './data/sources/open-stream-source';
export type { OpenStreamOptions } from './data/sources/open-stream-source';
export { isStreamSource, vocabulariesOf, STREAM_FORMATS } from './data/sources/stream-spec';
export type { StreamSource, StreamSpec, StreamFormat, StreamFile, StreamOptions, TabularSchema, TabularColumn } from './data/sources/stream-spec';
export { StreamShardedDataset, DEFAULT_SHUFFLE_BUFFER, DEFAULT_CYCLE_LENGTH } from './data/sources/stream-dataset';
export { passRecords, passFileOrder } from './data/sources/pass-stream';
export type { PassConfig, SourcedRecord } from './data/sources/pass-stream';
export type { RawRecord, RecordFormat } from './data/sources/record-format';
export { crc32c, maskedCrc32c } from './data/sources/crc32c';
export { frameRecord } from './data/sources/tfrecord-framer';
export type { DataSource } from './contracts/data-source';

// --- training loop: options, callbacks ---
export type { FitOptions, History, EvaluateResult } from './contracts/fit-options';
export type { EpochLogs } from './contracts/epoch-logs';
export type { Callback, BatchLogs, ResumePoint } from './contracts/callback';
export type { FitContext } from './contracts/fit-context';
export { BackupAndRestore } from './train/backup-and-restore';
export type { BackupAndRestoreOptions } from './train/backup-and-restore';
export { ReplicaAgreementCheck, groupStates } from './train/replica-agreement-check';
export type { ReplicaAgreementOptions, SupportsReplicaStateHashes } from './train/replica-agreement-check';
export { PreemptionWatcher } from './train/preemption-watcher';

// --- profiling: step phases, timeline (Chrome trace / Perfetto JSON), straggler report ---
export { wallClockMs } from './contracts/step-profiler';
export type { StepPhaseTimes, StepProfiler, RankTotals, CoordinatorSpanName } from './contracts/step-profiler';
export type { RunStagedOptions } from './contracts/train-engine';
export { TimelineRecorder, STEP_COLUMNS } from './profile/timeline-recorder';
export type { TimelineRecorderOptions } from './profile/timeline-recorder';
export { buildTraceEvents, COORDINATOR_TID, SPAN_NAMES } from './profile/trace-events';
export type { TraceEvent, TraceFile, TimelineData } from './profile/trace-events';
export { mergeTraces, clockOffsetUs } from './profile/trace-merge';
export { mergeTraceFiles, MAX_MERGE_FILE_BYTES } from './profile/trace-file-merge';
export { TraceWriter } from './profile/trace-writer';
export { StragglerMonitor, DEFAULT_STRAGGLER_EVERY, DEFAULT_STRAGGLER_THRESHOLD, DEFAULT_STRAGGLER_PERSIST } from './profile/straggler-monitor';
export type { StragglerMonitorOptions, StragglerSummary } from './profile/straggler-monitor';
export { stragglerInterval, formatStragglerLine } from './profile/straggler-stats';
export type { StragglerInterval, RankShare } from './profile/straggler-stats';
export { combineProfilers } from './profile/combine-profilers';
export { PhaseStore } from './profile/phase-store';

// --- checkpoints ---
export { CheckpointStore, CHECKPOINT_FORMAT_VERSION } from './checkpoint/checkpoint-store';
export type { Checkpoint, CheckpointMeta } from './checkpoint/checkpoint-store';
export type { CheckpointDirLock, HeldCheckpointLock } from './checkpoint/checkpoint-dir-lock';
export { checkpointLockHolder, newCheckpointRunId, formatLockHolder, parseLockHolder, readLockHolder } from './checkpoint/lock-holder';
export type { CheckpointLockHolder } from './checkpoint/lock-holder';
export { hostLocalCheckpointLock, defaultCheckpointLock } from './checkpoint/host-local-lock';
export { encodeSafetensors, decodeSafetensors } from './checkpoint/safetensors';
export type { NamedTensor } from './checkpoint/safetensors';
