/**
 * @syncline/tpu-bridge public surface: a PJRT C API binding over koffi (no compiled
 * addon), a StableHLO train-step emitter, the "pjrt" compiled backend and the TPU
 * cluster resolver. Every export is named here.
 */

// --- PJRT binding ---
export { loadPjrtPlugin } from './pjrt/load-plugin';
export { PjrtApi } from './pjrt/pjrt-api';
export type { PluginInfo } from './pjrt/pjrt-api';
export { PjrtClient } from './pjrt/client';
export type { PjrtDevice, HostArray } from './pjrt/client';
export { PjrtBuffer, liveBufferCount } from './pjrt/buffer';
export { PjrtLoadedExecutable } from './pjrt/executable';
export { encodeCompileOptions } from './pjrt/compile-options';
export type { CompileOptions } from './pjrt/compile-options';
export type { NamedValue } from './pjrt/named-values';
export { PJRT_API_MAJOR, PJRT_API_MINOR_PINNED, PJRT_API_MINOR_MIN } from './pjrt/api-version';
export { defaultCpuPluginPath, findCpuPlugin, CPU_PLUGIN_FILE } from './pjrt/plugin-path';

// --- TPU cluster resolver ---
export { TPUClusterResolver, DEFAULT_TPU_WORKER_PORT } from './resolver/tpu-cluster-resolver';
export type { TPUClusterResolverOptions } from './resolver/tpu-cluster-resolver';
export type { TpuTopology, Bounds } from './resolver/topology';
export { parseAcceleratorType } from './resolver/accelerator-type';
export type { AcceleratorType } from './resolver/accelerator-type';
export { DEFAULT_METADATA_HOST, DEFAULT_METADATA_TIMEOUT_MS } from './resolver/metadata-client';
export type { MetadataOptions } from './resolver/metadata-client';

// --- StableHLO emitter ---
export { planModel } from './stablehlo/model-plan';
export type { ModelPlan } from './stablehlo/model-plan';
export { emitTrainStep } from './stablehlo/train-step-module';
export type { TrainStepOptions } from './stablehlo/train-step-module';
export { emitEval } from './stablehlo/eval-module';
export { emitGradients } from './stablehlo/gradients-module';
export type { ModuleText } from './stablehlo/func-writer';

// --- "pjrt" compiled backend, and the reference TPUStrategy takes ---
export { pjrt, createPjrtBackend } from './backend/pjrt-plugin';
export { PjrtBackend, PJRT_BACKEND_NAME } from './backend/pjrt-backend';
export { PjrtCompiledProgram } from './backend/pjrt-compiled-program';
export type { PjrtBackendOptions } from './backend/pjrt-backend';
export { TPUStrategy } from './tpu-strategy';
export type { TPUStrategyOptions } from './tpu-strategy';
export { registerPjrtBackend } from './backend/register';
