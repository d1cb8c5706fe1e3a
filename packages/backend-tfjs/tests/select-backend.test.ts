/** Backend selection: order, logging, the combined error, and the tfjs-node paths. */
import * as tf from '@tensorflow/tfjs';
import { NoUsableBackendError, isSynclineError } from '@syncline/core';
import type { ModuleLoader, TfjsLogger } from '../src/index';
import { DEFAULT_TFJS_CANDIDATES, TfjsBackend, hasFastConv2DBackpropFilter, selectTfjsBackend } from '../src/index';
import { nativeAddonBuilt } from '../src/internal/runtime/select-backend';
import { nodeRequire } from '../src/internal/runtime/node-require';

function recordingLogger(): TfjsLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(`warn: ${m}`) };
}

/** Installed and built: tfjs-node packages are optional and their addon is built by install.sh. */
function installed(pkg: string): boolean {
  try {
    require.resolve(pkg);
  } catch {
    return false;
  }
  return nativeAddonBuilt(pkg, nodeRequire);
}

describe('selectTfjsBackend', () => {
  it('tries node-gpu, node, wasm, cpu in that order', () => {
    expect(DEFAULT_TFJS_CANDIDATES).toEqual(['node-gpu', 'node', 'wasm', 'cpu']);
  });

  it('picks the fastest present backend and logs which one and why others were passed over', async () => {
    const logger = recordingLogger();
    const backend = new TfjsBackend({ logger });
    const selected = await backend.ready();
    const expected = installed('@tensorflow/tfjs-node-gpu') ? 'node-gpu' : installed('@tensorflow/tfjs-node') ? 'node' : 'wasm';
    expect(selected.candidate).toBe(expected);
    expect(backend.selected).toBe(selected);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toContain(`using tfjs backend "${expected}"`);
    if (expected === 'wasm') {
      expect(tf.getBackend()).toBe('wasm');
      expect(selected.details).toMatch(/SIMD on/);
      expect(selected.skipped.map((s) => s.candidate)).toEqual(['node-gpu', 'node']);
      expect(selected.skipped[0]!.reason).toMatch(/tfjs-node-gpu is not installed/);
      expect(hasFastConv2DBackpropFilter('wasm')).toBe(true);
      // Memoised per thread and candidate list: no second log line.
      await backend.ready();
      expect(logger.lines).toHaveLength(1);
    }
  });

  it('throws one NoUsableBackendError listing every failed candidate', async () => {
    const loader: ModuleLoader = Object.assign(() => undefined, {
      resolve: (s: string): string => {
        throw new Error(`Cannot find module '${s}'`);
      },
    });
    const error = await selectTfjsBackend({ candidates: ['node-gpu', 'node'], loader, logger: recordingLogger() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoUsableBackendError);
    expect(isSynclineError(error)).toBe(true);
    expect((error as Error).message).toMatch(/node-gpu: .*tfjs-node-gpu is not installed.*; node: .*tfjs-node is not installed/);
  });

  it('starts the native backend the way tfjs-node documents it (loading registers "tensorflow")', async () => {
    // Stand-in for @tensorflow/tfjs-node: loading it registers a backend named "tensorflow".
    const loaded: string[] = [];
    const loader: ModuleLoader = Object.assign(
      (s: string) => {
        loaded.push(s);
        // A fresh instance of tfjs's cpu backend class stands in for the native one.
        const CpuBackend = tf.findBackend('cpu')!.constructor as new () => tf.KernelBackend;
        tf.registerBackend('tensorflow', () => new CpuBackend());
        return {};
      },
      {
        resolve: (s: string) =>
          s === '@tensorflow/tfjs-node'
            ? '/stand-in/tfjs-node/index.js'
            : (() => {
                throw new Error('nope');
              })(),
      },
    );
    // The real tfjs-node may already have registered "tensorflow" in this process: put it back afterwards.
    const real = tf.findBackendFactory('tensorflow');
    if (real !== null) tf.removeBackend('tensorflow');
    const logger = recordingLogger();
    await tf.setBackend('cpu');
    const selected = await selectTfjsBackend({ candidates: ['node-gpu', 'node', 'cpu'], loader, logger });
    expect(loaded).toEqual(['@tensorflow/tfjs-node']);
    expect(selected.candidate).toBe('node');
    expect(tf.getBackend()).toBe('tensorflow');
    expect(logger.lines[0]).toMatch(/using tfjs backend "node" \(libtensorflow on CPU\); passed over node-gpu/);
    tf.removeBackend('tensorflow');
    if (real !== null) tf.registerBackend('tensorflow', real);
  });

  const realNative = installed('@tensorflow/tfjs-node') ? it : it.skip;
  if (!installed('@tensorflow/tfjs-node')) {
    console.info(
      'select-backend.test: skipping the real @tensorflow/tfjs-node test: the package is not installed or its addon is not built ' +
        '(tools/scripts/install.sh builds it from the TensorFlow wheel on PyPI; see shared/FACTS.md)',
    );
  }
  realNative('starts the real tfjs-node backend when it is installed and built', async () => {
    const selected = await selectTfjsBackend({ candidates: ['node'], logger: recordingLogger() });
    expect(selected.tfjsBackend).toBe('tensorflow');
  });
});
