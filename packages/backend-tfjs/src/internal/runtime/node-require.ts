/**
 * Node's own `require`, for optional packages (tfjs-node, tfjs-node-gpu) and for finding
 * files inside installed packages. Built from this file's path, so it works in the CJS
 * and the ESM build alike (tsup shims __filename in ESM).
 */
import { createRequire } from 'node:module';

/** Loads or resolves a module the way Node would from this package. */
export type ModuleLoader = {
  (specifier: string): unknown;
  resolve(specifier: string): string;
};

export const nodeRequire: ModuleLoader = createRequire(__filename);
