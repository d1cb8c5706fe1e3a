/** Finds the tfjs wasm binaries (tfjs-backend-wasm/dist/*.wasm) on disk, for setWasmPaths. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BackendError } from '@syncline/core';
import type { ModuleLoader } from './node-require';

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';
/** The binary the SIMD build loads; its presence proves the folder is right. */
const SIMD_BINARY = 'tfjs-backend-wasm-simd.wasm';

/**
 * The folder holding the .wasm files, with a trailing separator (setWasmPaths wants a
 * prefix). Throws BackendError naming the folder it looked in when they are missing.
 */
export function locateWasmDir(loader: ModuleLoader): string {
  let pkgJson: string;
  try {
    pkgJson = loader.resolve(`${WASM_PACKAGE}/package.json`);
  } catch (cause) {
    throw new BackendError('tfjs', `${WASM_PACKAGE} is not installed; run npm install in the project`, { cause });
  }
  const dir = path.join(path.dirname(pkgJson), 'dist');
  if (!fs.existsSync(path.join(dir, SIMD_BINARY))) {
    throw new BackendError('tfjs', `${SIMD_BINARY} not found in ${dir}; reinstall ${WASM_PACKAGE}`);
  }
  return dir + path.sep;
}
