/** @syncline/trainer programmatic surface: build the CLI program (used by tests). */
export { buildProgram } from './cli-program';
