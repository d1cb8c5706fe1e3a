/**
 * Runs one implementation with N ranks over a size plan and returns, per size, the
 * per-iteration time of the slowest rank (µs): shared memory (worker threads), the socket
 * ring over Unix sockets or TCP (child processes), and OpenMPI's MPI_Allreduce (mpirun).
 */
import { execFileSync, fork, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createSharedMemoryGroup } from '@syncline/collective';
import { allowedCpus } from '@syncline/trainer';
import { largestBytes, type SizePlan } from './rank-timing';
import { slowestPerIteration } from './stats';

/** tcp-nomac: the TCP ring with frame integrity off (frameIntegrity: false), only to measure what the tags cost. */
export type Impl = 'shm' | 'shm-reg' | 'unix' | 'tcp' | 'tcp-reg' | 'tcp-nomac' | 'mpi-shm' | 'mpi-tcp';
const MPI_ENV = ['-x', 'MALLOC_MMAP_MAX_=0', '-x', 'MALLOC_TRIM_THRESHOLD_=68719476736'];

function gather(perRank: number[][][]): number[][] {
  return perRank[0]!.map((_, s) => slowestPerIteration(perRank.map((r) => r[s]!)));
}

/** Shared memory with plain arrays, or (`registered`) with the group's registered buffers. */
async function runShm(n: number, plan: SizePlan[], registered: boolean): Promise<number[][]> {
  const registeredBytes = registered ? largestBytes(plan) : 0;
  const group = createSharedMemoryGroup(n, { registeredBytes, ...(process.env.SYNCLINE_BENCH_SHM ? JSON.parse(process.env.SYNCLINE_BENCH_SHM) : {}) });
  const file = join(__dirname, 'shm-worker.ts');
  const boot = `require('tsx/cjs/api').register(); require(${JSON.stringify(file)});`;
  const perRank = await Promise.all(
    Array.from(
      { length: n },
      (_, rank) =>
        new Promise<number[][]>((resolve, reject) => {
          const w = new Worker(boot, { eval: true, workerData: { descriptor: group.descriptor, rank, plan, registered } });
          w.once('message', (m: { times: number[][] }) => {
            resolve(m.times);
            void w.terminate();
          });
          w.once('error', reject);
        }),
    ),
  );
  return gather(perRank);
}

async function freePorts(n: number): Promise<number[]> {
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<number>((res) => {
          const s = createServer();
          s.listen(0, '127.0.0.1', () => {
            const p = (s.address() as { port: number }).port;
            s.close(() => res(p));
          });
        }),
    ),
  );
}

/**
 * Binds a rank process (all its threads; threads it starts later inherit it) to the
 * rank-th CPU this bench may use when the N ranks fit those CPUs, else leaves it free:
 * what mpirun does for the baseline (--report-bindings: rank r on core r for -np 2 here,
 * unbound for -np 4). Unbound, the scheduler sometimes puts both ranks of a ping-pong on
 * one core, and a 4 KiB all-reduce then takes ~290 µs instead of ~105 µs.
 */
function bindToCore(pid: number, rank: number, n: number): void {
  const cpus = allowedCpus();
  if (n > cpus.length) return;
  const cpu = cpus[rank]!;
  try {
    execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', String(cpu), String(pid)], { stdio: 'ignore' });
  } catch (e) {
    console.error(
      `  could not bind rank ${rank} to CPU ${cpu} (taskset from util-linux: ${e instanceof Error ? e.message : e}); it runs unbound, unlike MPI's`,
    );
  }
}

/** The socket ring over Unix sockets or TCP, with plain arrays or (`registered`) its registered buffers; frame integrity on unless `frameIntegrity` is false. */
async function runRing(kind: 'unix' | 'tcp', n: number, plan: SizePlan[], registered = false, frameIntegrity = true): Promise<number[][]> {
  const dir = mkdtempSync(join(tmpdir(), 'syncline-bench-'));
  const addresses = kind === 'unix' ? Array.from({ length: n }, (_, r) => join(dir, `r${r}.sock`)) : (await freePorts(n)).map((p) => `127.0.0.1:${p}`);
  const env = { ...process.env, SYNCLINE_AUTH_TOKEN: randomBytes(16).toString('hex') };
  try {
    const perRank = await Promise.all(
      addresses.map(
        (_, rank) =>
          new Promise<number[][]>((resolve, reject) => {
            const child = fork(join(__dirname, 'ring-rank.ts'), [JSON.stringify({ rank, addresses, plan, registered, frameIntegrity })], {
              execArgv: ['--import', 'tsx'],
              env,
            });
            bindToCore(child.pid!, rank, n);
            child.once('message', (m: { times: number[][] }) => resolve(m.times));
            child.once('exit', (code) => {
              if (code) reject(new Error(`${kind} rank ${rank} exited with ${code}`));
            });
          }),
      ),
    );
    return gather(perRank);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Compiles mpi_allreduce.c once per source version into a cache dir under tmp. */
export function mpiBinary(): string {
  const src = join(__dirname, 'mpi_allreduce.c');
  const hash = createHash('sha256').update(readFileSync(src)).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), 'syncline-bench-cache');
  mkdirSync(dir, { recursive: true });
  const bin = join(dir, `mpi_allreduce-${hash}`);
  if (!existsSync(bin)) execFileSync('mpicc', ['-O2', '-o', bin, src], { stdio: 'inherit' });
  return bin;
}

async function runMpi(kind: 'mpi-shm' | 'mpi-tcp', n: number, plan: SizePlan[]): Promise<number[][]> {
  const btl = kind === 'mpi-shm' ? ['--mca', 'btl', 'self,vader'] : ['--mca', 'btl', 'tcp,self', '--mca', 'btl_tcp_if_include', 'lo'];
  const args = [
    '--allow-run-as-root',
    '--oversubscribe',
    '-np',
    String(n),
    '--mca',
    'pml',
    'ob1',
    ...btl,
    ...MPI_ENV,
    mpiBinary(),
    ...plan.map((p) => `${p.bytes}:${p.iters}:${p.warmup}`),
  ];
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn('mpirun', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    p.stdout.on('data', (b: Buffer) => {
      text += b.toString();
    });
    p.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`mpirun exited with ${code}`))));
  });
  const lines = out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { times_us: number[] });
  return lines.map((l) => l.times_us);
}

export function runImpl(impl: Impl, n: number, plan: SizePlan[]): Promise<number[][]> {
  switch (impl) {
    case 'shm':
      return runShm(n, plan, false);
    case 'shm-reg':
      return runShm(n, plan, true);
    case 'unix':
      return runRing('unix', n, plan);
    case 'tcp':
      return runRing('tcp', n, plan);
    case 'tcp-reg':
      return runRing('tcp', n, plan, true);
    case 'tcp-nomac':
      return runRing('tcp', n, plan, false, false);
    default:
      return runMpi(impl, n, plan);
  }
}
