/**
 * Draws Vega-Lite specs to SVG (and PNG) in a worker thread (chart-worker.ts), so the
 * ESM-only charting packages load outside the CLI's CommonJS and jest's module system.
 * One worker per renderer, started on first use; it holds the process open only while a
 * chart is being drawn, and close() ends it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ChartRenderError } from './chart-render-error';
import type { ChartRequest, ChartResponse } from './chart-worker';

/** The worker module: the .ts source under jest/tsx, the built .js beside the bundle otherwise. */
export function chartWorkerEntry(dir: string = __dirname): { file: string; execArgv: string[] } {
  const file = [join(dir, 'chart-worker.ts'), join(dir, 'chart-worker.js')].find((f) => existsSync(f));
  if (!file) throw new ChartRenderError(`charts (chart-worker not found next to ${dir}; rebuild @syncline/trainer)`);
  return { file, execArgv: file.endsWith('.ts') ? ['--require', 'tsx/cjs'] : [] };
}

export interface DrawnChart {
  readonly svg: string;
  readonly png?: Buffer;
}

export class ChartRenderer {
  #worker: Worker | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, { what: string; resolve: (c: DrawnChart) => void; reject: (e: Error) => void }>();

  /**
   * Draws `spec` (a Vega-Lite spec); with `png`, also rasterizes it at `png.scale`.
   * @throws ChartRenderError (as a rejection) when the worker cannot start or vega rejects the spec
   */
  async draw(what: string, spec: unknown, png?: { scale: number }): Promise<DrawnChart> {
    const worker = this.#start();
    const id = this.#nextId++;
    const done = new Promise<DrawnChart>((resolve, reject) => this.#pending.set(id, { what, resolve, reject }));
    worker.ref();
    worker.postMessage({ id, spec, ...(png ? { png } : {}) } satisfies ChartRequest);
    return done;
  }

  /** Ends the worker; pending draws reject. Idempotent. */
  async close(): Promise<void> {
    const w = this.#worker;
    this.#worker = undefined;
    if (w) await w.terminate();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const entry = chartWorkerEntry();
    const w = new Worker(entry.file, { execArgv: entry.execArgv });
    w.on('message', (m: ChartResponse) => {
      const p = this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id);
      if (this.#pending.size === 0) w.unref();
      if ('error' in m) p.reject(new ChartRenderError(p.what, new Error(m.error)));
      else p.resolve({ svg: m.svg, ...(m.png ? { png: Buffer.from(m.png.buffer, m.png.byteOffset, m.png.byteLength) } : {}) });
    });
    const failAll = (cause: unknown): void => {
      if (this.#worker === w) this.#worker = undefined;
      for (const [id, p] of this.#pending) {
        this.#pending.delete(id);
        p.reject(new ChartRenderError(p.what, cause));
      }
    };
    w.on('error', failAll);
    w.on('exit', (code) => failAll(new Error(`the chart worker exited with code ${code}`)));
    w.unref();
    this.#worker = w;
    return w;
  }
}
