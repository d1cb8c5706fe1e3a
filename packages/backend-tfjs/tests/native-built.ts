/**
 * Test helper: whether @tensorflow/tfjs-node is installed with its addon built (install.sh
 * builds it from PyPI's TensorFlow wheel). Suites that need it run on the "tensorflow"
 * backend when it is; otherwise they are skipped with one printed reason, except under CI
 * (CI=true), where install.sh builds it and its absence must fail the run, not hide it.
 */
import { nodeRequire } from '../src/internal/runtime/node-require';
import { nativeAddonBuilt } from '../src/internal/runtime/select-backend';

const PKG = '@tensorflow/tfjs-node';

function installed(): boolean {
  try {
    nodeRequire.resolve(PKG);
    return true;
  } catch {
    return false;
  }
}

export const NATIVE_BUILT = installed() && nativeAddonBuilt(PKG, nodeRequire);

/** NATIVE_BUILT; when false, prints why `suite` leaves the tensorflow backend out (or throws under CI). */
export function nativeBuiltOrSay(suite: string): boolean {
  if (NATIVE_BUILT) return true;
  const why = `${suite}: ${PKG} is not installed or its addon is not built (bash tools/scripts/install.sh builds it)`;
  if (process.env.CI === 'true') throw new Error(why);
  process.stderr.write(`${why}; skipping the tensorflow backend\n`);
  return false;
}

/** `describe` when tfjs-node is built, else `describe.skip` after printing why (or throwing under CI). */
export function describeIfNative(suite: string): jest.Describe {
  return nativeBuiltOrSay(suite) ? describe : describe.skip;
}
