/**
 * Picks the fastest tfjs backend present in this thread, first usable wins:
 *
 * 1. `node-gpu`: @tensorflow/tfjs-node-gpu (optional peer dependency; loading it
 *    registers tfjs's native "tensorflow" backend with CUDA kernels).
 * 2. `node`: @tensorflow/tfjs-node (the same native backend on CPU).
 * 3. `wasm`: @tensorflow/tfjs-backend-wasm with SIMD; its .wasm files are located on
 *    disk (setWasmPaths with a file path). Threads are used only where tfjs enables
 *    them (never in Node today), so parallelism comes from replicas in worker_threads.
 * 4. `cpu`: tfjs's plain JavaScript backend.
 * On wasm and cpu our fast Conv2DBackpropFilter kernel is registered; on wasm also our
 * fast Conv2DBackpropInput and MaxPoolGrad, and a BatchMatMul that never asks XNNPACK
 * for a transposed operand; on tensorflow, gradients through TF's own fused kernels
 * (ReluGrad, MaxPoolGradWithArgmax) and the fused sparse softmax cross-entropy
 * (explicitly, here; see kernels/).
 * The result is memoised per thread and candidate list: tfjs's engine is per thread.
 * When none starts, one NoUsableBackendError lists every candidate's failure.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BackendError, NoUsableBackendError } from '@syncline/core';
import { registerFastConv2DBackpropFilter } from '../kernels/register-conv2d-backprop-filter';
import { registerUntransposedBatchMatMul } from '../kernels/register-batch-mat-mul';
import { registerFastConv2DBackpropInput } from '../kernels/register-conv2d-backprop-input';
import { registerFastMaxPoolGrad } from '../kernels/register-max-pool-grad';
import { registerNativeGradients } from '../kernels/native-grads';
import { registerNativeLoss } from '../kernels/native-loss';
import type { TfjsLogger } from './logger';
import { stderrLogger } from './logger';
import type { ModuleLoader } from './node-require';
import { nodeRequire } from './node-require';
import { locateWasmDir } from './wasm-paths';

/** A tfjs backend Syncline knows how to start, named after what provides it. */
export type TfjsCandidate = 'node-gpu' | 'node' | 'wasm' | 'cpu';

/** Fastest first. */
export const DEFAULT_TFJS_CANDIDATES: readonly TfjsCandidate[] = ['node-gpu', 'node', 'wasm', 'cpu'];

const NATIVE_PACKAGES: Record<'node-gpu' | 'node', string> = {
  'node-gpu': '@tensorflow/tfjs-node-gpu',
  node: '@tensorflow/tfjs-node',
};
/** The tfjs backend name tfjs-node and tfjs-node-gpu register. */
const NATIVE_BACKEND = 'tensorflow';

export interface SelectBackendOptions {
  /** Candidates in order of preference; default DEFAULT_TFJS_CANDIDATES. */
  readonly candidates?: readonly TfjsCandidate[];
  readonly logger?: TfjsLogger;
  /** How optional packages are loaded (default: Node's require from this package). */
  readonly loader?: ModuleLoader;
}

export interface SelectedTfjsBackend {
  readonly candidate: TfjsCandidate;
  /** tfjs's name for the active backend ("tensorflow", "wasm", "cpu"). */
  readonly tfjsBackend: string;
  /** Human-readable facts about it, e.g. "SIMD on, threads off". */
  readonly details: string;
  /** Candidates tried before it and why each was passed over. */
  readonly skipped: readonly { readonly candidate: TfjsCandidate; readonly reason: string }[];
}

let memo: { key: string; promise: Promise<SelectedTfjsBackend> } | undefined;

/**
 * Starts the first usable candidate and makes it tfjs's active backend in this thread.
 * Idempotent per candidate list; throws NoUsableBackendError when none starts.
 */
export function selectTfjsBackend(options: SelectBackendOptions = {}): Promise<SelectedTfjsBackend> {
  const candidates = options.candidates ?? DEFAULT_TFJS_CANDIDATES;
  const key = candidates.join(',');
  if (memo?.key === key) return memo.promise;
  const promise = trySelect(candidates, options.logger ?? stderrLogger, options.loader ?? nodeRequire);
  memo = { key, promise };
  promise.catch(() => {
    if (memo?.promise === promise) memo = undefined;
  });
  return promise;
}

async function trySelect(candidates: readonly TfjsCandidate[], logger: TfjsLogger, loader: ModuleLoader): Promise<SelectedTfjsBackend> {
  const skipped: { candidate: TfjsCandidate; reason: string }[] = [];
  for (const candidate of candidates) {
    try {
      const details = await start(candidate, loader);
      const selected = { candidate, tfjsBackend: tf.getBackend(), details, skipped };
      const passed = skipped.map((s) => `${s.candidate}: ${s.reason}`).join('; ');
      logger.info(`using tfjs backend "${candidate}" (${details})${passed ? `; passed over ${passed}` : ''}`);
      return selected;
    } catch (error) {
      skipped.push({ candidate, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  throw new NoUsableBackendError(
    'tfjs backend',
    skipped.map((s) => ({ name: s.candidate, error: new Error(s.reason) })),
  );
}

async function start(candidate: TfjsCandidate, loader: ModuleLoader): Promise<string> {
  switch (candidate) {
    case 'node-gpu':
    case 'node':
      return startNative(candidate, loader);
    case 'wasm':
      return startWasm(loader);
    case 'cpu':
      await activate('cpu');
      registerFastConv2DBackpropFilter('cpu');
      return 'plain JavaScript kernels, fast Conv2DBackpropFilter registered';
  }
}

async function startNative(candidate: 'node-gpu' | 'node', loader: ModuleLoader): Promise<string> {
  const pkg = NATIVE_PACKAGES[candidate];
  try {
    loader.resolve(pkg);
  } catch {
    throw new Error(`${pkg} is not installed (optional peer dependency; npm install ${pkg} to use it)`);
  }
  if (!nativeAddonBuilt(pkg, loader)) {
    throw new Error(
      `${pkg} is installed but its native addon is not built (tools/scripts/install.sh builds it from PyPI's TensorFlow wheel; ` +
        `${candidate === 'node-gpu' ? 'pass --gpu' : 'see its output'})`,
    );
  }
  if (tf.findBackendFactory(NATIVE_BACKEND) === null) loader(pkg); // registers "tensorflow" with tfjs-core (its documented side effect)
  if (tf.findBackendFactory(NATIVE_BACKEND) === null) {
    throw new Error(
      `${pkg} loaded but registered no "${NATIVE_BACKEND}" backend with this copy of @tensorflow/tfjs-core ` +
        '(are two versions of @tensorflow/tfjs installed? run npm ls @tensorflow/tfjs-core)',
    );
  }
  await activate(NATIVE_BACKEND);
  registerNativeGradients();
  registerNativeLoss();
  return candidate === 'node-gpu' ? 'libtensorflow with CUDA' : 'libtensorflow on CPU';
}

/** tfjs-node's addon lives under lib/napi-v<N>/ once built (node-pre-gyp's module_path). */
export function nativeAddonBuilt(pkg: string, loader: ModuleLoader): boolean {
  let lib: string;
  try {
    lib = join(dirname(loader.resolve(`${pkg}/package.json`)), 'lib');
  } catch {
    return true; // a stand-in package without a package.json: let loading decide
  }
  if (!existsSync(lib)) return false;
  return readdirSync(lib).some((d) => existsSync(join(lib, d, 'tfjs_binding.node')));
}

async function startWasm(loader: ModuleLoader): Promise<string> {
  if (tf.findBackend('wasm') === null) setWasmPaths(locateWasmDir(loader));
  await activate('wasm');
  registerFastConv2DBackpropFilter('wasm');
  registerFastConv2DBackpropInput('wasm');
  registerUntransposedBatchMatMul('wasm');
  registerFastMaxPoolGrad();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return `SIMD ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off (tfjs disables them in Node)'}`;
}

async function activate(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok) throw new BackendError('tfjs', `tf.setBackend("${name}") failed; see tfjs's warning above for the cause`);
  await tf.ready();
}
