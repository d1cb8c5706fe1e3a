/** @syncline/trainer programmatic surface: the CLI program and the train command (used by tests and benchmarks). */
export { buildProgram } from './cli-program';
export type { ProgramIo } from './cli-program';
export { runTrain, loadModelSpec, loadData } from './commands/train';
export type { TrainResult, TrainExtras } from './commands/train';
export { addTrainFlags, validateTrainOptions, DEFAULT_DATA_DIR } from './commands/train-options';
export type { TrainOptions, StrategyName, BackendName } from './commands/train-options';
export { allowedCpus } from './launch/cpu-binding';
