/**
 * The PyTorch peer of `npm run bench -- peers` as a persistent child Python (one of the
 * torch_*_step.py scripts with --serve) answering "BATCH STEPS" requests with one JSON row
 * each, so the caller can interleave short torch segments with its own and machine-load
 * drift hits both alike. Shared by the CNN rows (main.ts) and the ResNet rows (resnet.ts).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

/** glibc keeps freed memory (FACTS.md: otherwise PyTorch halves its batch-256 throughput). */
const MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: '1000000000', MALLOC_TRIM_THRESHOLD_: '1000000000', MALLOC_TOP_PAD_: '268435456' };

export interface TorchRow {
  impl: 'torch';
  batch: number;
  imagesPerSec: number;
}

export interface TorchChild {
  run(batch: number, steps: number): Promise<TorchRow>;
  close(): void;
}

/** Starts `script` (in this folder) with `python`; resolves once it has warmed up every batch size. */
export async function startTorchChild(python: string, script: string, batches: readonly number[], extraArgs: readonly string[] = []): Promise<TorchChild> {
  const child: ChildProcessWithoutNullStreams = spawn(python, [join(__dirname, script), batches.join(','), '--serve', ...extraArgs], {
    env: { ...process.env, ...MALLOC_ENV },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout });
  const queue: { resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  const pending: string[] = [];
  let exited: Error | undefined;
  lines.on('line', (l) => (queue.length ? queue.shift()!.resolve(l) : pending.push(l)));
  // one exit listener for the child's life (not one per request), failing every waiting request
  child.once('exit', (code) => {
    exited = new Error(`torch baseline ${script} exited with ${code}: ${stderr.slice(-500)}`);
    for (const w of queue.splice(0)) w.reject(exited);
  });
  const next = (): Promise<string> =>
    new Promise((resolve, reject) => {
      if (pending.length) return resolve(pending.shift()!);
      if (exited) return reject(exited);
      queue.push({ resolve, reject });
    });
  for (;;) if ((JSON.parse(await next()) as { ready?: boolean }).ready) break;
  return {
    async run(batch, steps) {
      child.stdin.write(`${batch} ${steps}\n`);
      const { imagesPerSec } = JSON.parse(await next()) as TorchRow;
      return { impl: 'torch', batch, imagesPerSec };
    },
    close: () => child.stdin.end(),
  };
}
