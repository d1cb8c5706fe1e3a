/** Shared pieces of the trainer's end-to-end tests: real data, real backends, real collectives. */
import { join } from 'node:path';
import { existsSync, readdirSync } from 'node:fs';
import { MirroredStrategy, loadFashionMnist, type MirroredStrategyOptions } from '@syncline/core';
import { sharedMemory, socketRing } from '@syncline/collective';
import { tfjs } from '@syncline/backend-tfjs';

export const REPO = join(__dirname, '..', '..', '..');
export const SAMPLE_DIR = join(REPO, 'test-data', 'fashion-mnist-sample');
export const FULL_DIR = '/usr/share/datasets/fashion-mnist';

export function sample(): ReturnType<typeof loadFashionMnist> {
  return loadFashionMnist(SAMPLE_DIR);
}

export function fullDataAvailable(): boolean {
  return existsSync(join(FULL_DIR, 'train-images-idx3-ubyte.gz'));
}

export const TFJS_REF = tfjs({ candidates: ['wasm'] });
/** tfjs on tfjs-node's native "tensorflow" backend (built by tools/scripts/install.sh). */
export const TFJS_NODE_REF = tfjs({ candidates: ['node'] });

/**
 * Whether @tensorflow/tfjs-node is installed with its addon built. When it is not, prints
 * why `suite` leaves it out; under CI (where install.sh builds it) that is an error instead.
 */
export function tfjsNodeBuiltOrSay(suite: string): boolean {
  // npm hoists it to the root node_modules (an optional dependency of the root package)
  const lib = join(REPO, 'node_modules', '@tensorflow', 'tfjs-node', 'lib');
  const built = existsSync(lib) && readdirSync(lib).some((d) => existsSync(join(lib, d, 'tfjs_binding.node')));
  if (built) return true;
  const why = `${suite}: @tensorflow/tfjs-node is not installed or its addon is not built (bash tools/scripts/install.sh builds it)`;
  if (process.env.CI === 'true') throw new Error(why);
  process.stderr.write(`${why}; skipping the tensorflow backend\n`);
  return false;
}

export function mirrored(replicas: number, extra: Partial<MirroredStrategyOptions> = {}): MirroredStrategy {
  const isolation = extra.isolation ?? 'thread';
  return new MirroredStrategy({
    replicas,
    isolation,
    backend: TFJS_REF,
    communicator: isolation === 'thread' ? sharedMemory() : socketRing(),
    timeoutMs: 60_000,
    ...extra,
  });
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export function bitwiseEqual(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
