/**
 * `npm run bench -- data --stream-gb N` (issue 16, not run in CI): writes an N GB CSV of
 * Fashion-MNIST rows (label + 784 pixels, the training set repeated) into a temp dir,
 * trains the MLP one epoch from it with 2 thread replicas (built CLI), and samples the
 * training process's resident memory (VmRSS of /proc/<pid>/status, threads included) every
 * SAMPLE_MS: peak and samples show whether memory stays bounded and flat over the epoch.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIdxFile } from '@syncline/core';

const SAMPLE_MS = 1_000;
const CLI = join(__dirname, '..', '..', '..', 'apps', 'trainer', 'dist', 'cli.js');

export interface StreamMemoryRow {
  gigabytes: number;
  rows: number;
  peakRssMb: number;
  rssMbSamples: number[];
  trainImagesPerSec: number;
}

function writeCsv(path: string, fashionDir: string, bytes: number): number {
  const x = readIdxFile(join(fashionDir, 'train-images-idx3-ubyte.gz')).data;
  const y = readIdxFile(join(fashionDir, 'train-labels-idx1-ubyte.gz')).data;
  const fd = openSync(path, 'w');
  let written = writeSync(fd, 'label,' + Array.from({ length: 784 }, (_, i) => `p${i}`).join(',') + '\n');
  let rows = 0;
  while (written < bytes) {
    const chunk: string[] = [];
    for (let k = 0; k < 1000; k++, rows++) {
      const i = rows % y.length;
      chunk.push(`${y[i]},${x.subarray(i * 784, (i + 1) * 784).join(',')}\n`);
    }
    written += writeSync(fd, chunk.join(''));
  }
  closeSync(fd);
  return rows;
}

function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

export async function benchStreamMemory(gigabytes: number, fashionDir: string, log: (line: string) => void): Promise<StreamMemoryRow> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-stream-'));
  const csv = join(dir, 'big.csv');
  try {
    const rows = writeCsv(csv, fashionDir, gigabytes * 1e9);
    log(`wrote ${rows} rows (${gigabytes} GB) to ${csv}`);
    const child = spawn(
      process.execPath,
      [CLI, 'train', '--data', csv, '--model', 'mlp', '--replicas', '2', '--epochs', '1', '--global-batch', '256', '--json'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const samples: number[] = [];
    const timer = setInterval(() => {
      const r = rssMb(child.pid!);
      if (r !== undefined) samples.push(r);
    }, SAMPLE_MS);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearInterval(timer);
    if (code !== 0) throw new Error(`training from ${csv} exited ${code}`);
    const res = JSON.parse(out.trim().split('\n').pop()!) as { peakRssMb: number; trainImagesPerSec: number };
    const row = { gigabytes, rows, peakRssMb: res.peakRssMb, rssMbSamples: samples, trainImagesPerSec: Math.round(res.trainImagesPerSec) };
    log(
      `stream ${gigabytes} GB CSV, 1 epoch, 2 replicas: peak RSS ${row.peakRssMb} MB (target < 1024), samples min ${Math.min(...samples)} max ${Math.max(...samples)} MB`,
    );
    return row;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
