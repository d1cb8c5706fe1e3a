/**
 * @syncline/backend-tfjs public surface: Syncline replicas on TensorFlow.js (tfjs-node-gpu,
 * tfjs-node, wasm with SIMD, cpu), built from core's model spec. Nothing registers on import.
 */

// --- the reference strategies take, and the factory it names ---
export { tfjs, createTfjsBackend } from './tfjs-plugin';
export type { TfjsPluginOptions } from './tfjs-plugin';

// --- backend ---
export { TfjsBackend, TFJS_BACKEND_NAME } from './tfjs-backend';
export type { TfjsBackendOptions, LogReplicas } from './tfjs-backend';
export { registerTfjsBackend, TFJS_BACKEND_PRIORITY } from './register';
export type { LayersModelFactory, ModelFactoryContext, FactoryOutputs, FactoryModel } from './internal/model/layers-model-adapter';
export { describeLayersModelFile, isLayersModelJson, loadLayersModelFile } from './internal/model/load-layers-model';
export { assertTfjsExportable, exportTfjsModel } from './internal/model/export-layers-model';
export type { LayersModelSummary } from './internal/model/load-layers-model';

// --- tfjs backend selection ---
export { selectTfjsBackend, DEFAULT_TFJS_CANDIDATES } from './internal/runtime/select-backend';
export type { TfjsCandidate, SelectedTfjsBackend, SelectBackendOptions } from './internal/runtime/select-backend';
export type { TfjsLogger } from './internal/runtime/logger';
export { stderrLogger, silentLogger } from './internal/runtime/logger';
export type { ModuleLoader } from './internal/runtime/node-require';

// --- kernels ---
export { registerFastConv2DBackpropFilter, hasFastConv2DBackpropFilter } from './internal/kernels/register-conv2d-backprop-filter';
export type { KernelRegistration } from './internal/kernels/register-conv2d-backprop-filter';
export { registerFastConv2DBackpropInput, hasFastConv2DBackpropInput } from './internal/kernels/register-conv2d-backprop-input';
export { registerFastMaxPoolGrad, hasFastMaxPoolGrad } from './internal/kernels/register-max-pool-grad';
export { registerUntransposedBatchMatMul, hasUntransposedBatchMatMul } from './internal/kernels/register-batch-mat-mul';

// --- initialisation (pure, reusable by other backends) ---

// --- optimizers over flat arrays (tfjs's formulas) ---
