/**
 * @syncline/core/testing: conformance suites every implementation runs
 * (communicators, backends). Import from "@syncline/core/testing" only.
 */

// --- communicator conformance ---
export { describeCommunicatorConformance, CONFORMANCE_LARGE_LENGTH } from './communicator-conformance';
export type { CommunicatorConformanceCase, CommunicatorConformanceOptions } from './communicator-conformance';
export { conformanceInput, expectedOutput, runConformanceProgram, inProcessCommunicatorGroup, CONFORMANCE_REGISTERED_FLOATS } from './communicator-programs';
export type {
  ConformanceOp,
  ConformanceProgram,
  Registered,
  ConformanceRankResult,
  CommunicatorGroup,
  CommunicatorGroupFactory,
} from './communicator-programs';

// --- backend conformance ---
export { describeBackendConformance, conformanceBatch, conformanceValues, CONFORMANCE_MLP, CONFORMANCE_CNN } from './backend-conformance';
export type { BackendConformanceCheck, BackendConformanceOptions } from './backend-conformance';
export { referenceLogits, referenceLossSum, referenceProbabilities, referenceGradient } from './backend-conformance-reference-model';
export { OPTIMIZER_SLOT_NAMES, referenceOptimizerRun } from './backend-conformance-reference-optimizers';
