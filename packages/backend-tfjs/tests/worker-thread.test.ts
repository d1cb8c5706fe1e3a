/** backend-tfjs initialises and trains inside a worker_thread (wasm backend), as MirroredStrategy's replicas do. */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { presetModelSpec } from '@syncline/core';
import { TfjsBackend, silentLogger } from '../src/index';

const FIXTURE = path.join(__dirname, 'fixtures', 'replica-in-worker.ts');
const TSCONFIG = path.join(__dirname, 'fixtures', 'tsconfig.worker.json');
const WORKER_TIMEOUT_MS = 60_000;

interface WorkerReport {
  threadId?: number;
  selected?: string;
  logs?: string[];
  lossSum?: number;
  gradientNorm?: number;
  weightsHead?: number[];
  loadedFromSource?: boolean;
  error?: string;
}

function runInWorker(candidate: string): Promise<WorkerReport> {
  // Under jest the fixture is TypeScript: run it with tsx (--require tsx/cjs: '--import tsx' does not
  // take effect in worker_threads on Node 20.20), mapping @syncline/* to their sources.
  const worker = new Worker(FIXTURE, {
    workerData: { candidate, seed: 11 },
    execArgv: ['--require', 'tsx/cjs'],
    env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
  });
  return new Promise<WorkerReport>((resolve, reject) => {
    worker.once('message', (m: WorkerReport) => resolve(m));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited with code ${code} before reporting`)));
  }).finally(() => worker.terminate());
}

describe('in a worker_thread', () => {
  it(
    'selects wasm, trains a CNN step, and starts from the same seeded weights as the main thread',
    async () => {
      const report = await runInWorker('wasm');
      expect(report.error).toBeUndefined();
      expect(report.threadId).toBeGreaterThan(0);
      expect(report.loadedFromSource).toBe(true);
      expect(report.selected).toBe('wasm');
      expect(report.logs?.[0]).toMatch(/using tfjs backend "wasm" \(SIMD on/);
      expect(Number.isFinite(report.lossSum)).toBe(true);
      expect(report.gradientNorm).toBeGreaterThan(0);
      const main = await new TfjsBackend({ candidates: ['cpu'], logger: silentLogger }).createReplica(presetModelSpec('cnn'), { seed: 11 });
      expect(report.weightsHead).toEqual(Array.from((await main.getWeights()).subarray(0, 16)));
      await main.dispose();
    },
    WORKER_TIMEOUT_MS,
  );
});
