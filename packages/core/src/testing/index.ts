/**
 * @syncline/core/testing: conformance suites every implementation runs
 * (communicators, backends). Import from "@syncline/core/testing" only.
 */
export {};
