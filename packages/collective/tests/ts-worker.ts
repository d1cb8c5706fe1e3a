// Starts a worker thread from a .ts file under jest: Node 20 ignores `--import tsx` in a
// worker's execArgv, so the worker first registers tsx's CommonJS hook, then loads the file.
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function tsWorker(file: string, options: WorkerOptions = {}): Worker {
  const boot = `require('tsx/cjs/api').register(); require(${JSON.stringify(file)});`;
  return new Worker(boot, { ...options, eval: true });
}
