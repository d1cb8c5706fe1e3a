/**
 * @syncline/core/testing: conformance suites every implementation runs
 * (communicators, backends). Import from "@syncline/core/testing" only.
 */

// --- communicator conformance ---
export { describeCommunicatorConformance, CONFORMANCE_LARGE_LENGTH } from './communicator-conformance';
export type { CommunicatorConformanceCase, CommunicatorConformanceOptions } from './communicator-conformance';
export {
  conformanceInput,
  expectedOutput,
  runConformanceProgram,
  inProcessCommunicatorGroup,
} from './communicator-programs';
export type {
  ConformanceOp,
  ConformanceProgram,
  ConformanceRankResult,
  CommunicatorGroup,
  CommunicatorGroupFactory,
} from './communicator-programs';
