/**
 * `npm run bench -- allreduce [--json] [--quick] [--rounds R] [--n 2,4] [--sizes 4K,1M] [--pairs shm,tcp,unix]`: all-reduce bus bandwidth
 * (nccl-tests definitions) for 4 KiB .. 64 MiB, N = 2 and 4: our shared memory (with plain
 * arrays, and as shm-reg with registered buffers from Communicator.allocate, the way the
 * replica host passes its gradients), Unix-socket ring and TCP ring (tcp-reg: registered buffers), side by side in the same run with OpenMPI's
 * MPI_Allreduce over shared memory (vader) and TCP (loopback).
 * This machine's speed drifts by tens of percent within minutes, so the run is paired:
 * R rounds (default 3), each running every implementation once over all sizes, with each
 * of ours right next to its MPI baseline (shm, mpi-shm, shm-reg | tcp, mpi-tcp, tcp-reg | unix; the order
 * inside a pair alternates by round). A row is the median over rounds of each round's
 * median time; a target ratio is the median over rounds of that round's paired ratio.
 * Socket-ring ranks are bound to cores the way mpirun binds the baseline's (rank r on core
 * r when the N ranks fit the cores, else unbound); shared-memory ranks are threads of one
 * process and stay unbound.
 * --n, --sizes and --pairs narrow the run (a pair is named by our implementation and runs
 * with its baseline); targets whose rows were not run print as null.
 * tcp-nomac is the TCP ring with frame integrity off (bench only), run in the tcp pair so
 * that integrity's cost is a paired ratio: integrity_cost_* = time tcp / time tcp-nomac.
 * With --json the last line is one JSON object with every row and the target ratios.
 */
import { runImpl, type Impl } from './runners';
import { busBandwidthGBps, iterationsFor, median } from './stats';

const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const roundsAt = args.indexOf('--rounds');
const ROUNDS = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 3;
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`--rounds must be an integer >= 1, got ${args[roundsAt + 1]}`);
const KIB = 1024;
const MIB = 1024 * KIB;
/** The values after `--name`, comma-separated, or undefined when the flag is absent. */
function listArg(name: string): string[] | undefined {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const v = args[at + 1];
  if (!v || v.startsWith('--')) throw new Error(`${name} needs a comma-separated list`);
  return v.split(',');
}
function parseSize(s: string): number {
  const m = /^(\d+)([KM])$/i.exec(s);
  if (!m) throw new Error(`--sizes: ${s} is not a size like 4K or 16M`);
  return Number(m[1]) * (m[2]!.toUpperCase() === 'K' ? KIB : MIB);
}
const SIZES =
  listArg('--sizes')?.map(parseSize) ??
  (quick ? [4 * KIB, 1 * MIB, 16 * MIB, 64 * MIB] : [4 * KIB, 16 * KIB, 64 * KIB, 256 * KIB, 1 * MIB, 4 * MIB, 16 * MIB, 64 * MIB]);
const NS = listArg('--n')?.map((v) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--n: ${v} is not a rank count`);
  return n;
}) ?? [2, 4];
const IMPLS: Impl[] = ['mpi-shm', 'shm', 'shm-reg', 'unix', 'tcp', 'tcp-reg', 'tcp-nomac', 'mpi-tcp'];
/** Run adjacently in each round: ours next to its baseline. */
const ALL_PAIRS: Record<string, Impl[]> = { shm: ['shm', 'mpi-shm', 'shm-reg'], tcp: ['tcp', 'mpi-tcp', 'tcp-reg', 'tcp-nomac'], unix: ['unix'] };
const PAIRS: Impl[][] = (listArg('--pairs') ?? Object.keys(ALL_PAIRS)).map((p) => {
  const pair = ALL_PAIRS[p];
  if (!pair) throw new Error(`--pairs: ${p} is not one of ${Object.keys(ALL_PAIRS).join(', ')}`);
  return pair;
});
const RAN = new Set(PAIRS.flat());

interface Row {
  impl: Impl;
  n: number;
  bytes: number;
  busbw_GBps: number;
  median_us: number;
}

function fmtBytes(b: number): string {
  return b >= MIB ? `${b / MIB} MiB` : `${b / KIB} KiB`;
}

async function main(): Promise<void> {
  const plan = SIZES.map((bytes) => ({ bytes, ...iterationsFor(bytes, quick) }));
  // perRound[round] maps "impl n bytes" to that round's median µs
  const perRound: Map<string, number>[] = [];
  const key = (impl: Impl, n: number, bytes: number): string => `${impl} ${n} ${bytes}`;
  for (let round = 0; round < ROUNDS; round++) {
    const us = new Map<string, number>();
    for (const n of NS) {
      for (const pair of PAIRS) {
        for (const impl of round % 2 ? [...pair].reverse() : pair) {
          const t0 = Date.now();
          const perSize = await runImpl(impl, n, plan);
          perSize.forEach((times, i) => us.set(key(impl, n, SIZES[i]!), median(times)));
          if (!json) console.error(`  round ${round + 1}/${ROUNDS} ${impl} N=${n}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        }
      }
    }
    perRound.push(us);
  }
  const rows: Row[] = [];
  for (const n of NS) {
    for (const impl of IMPLS.filter((i) => RAN.has(i))) {
      for (const bytes of SIZES) {
        const us = median(perRound.map((m) => m.get(key(impl, n, bytes))!));
        rows.push({ impl, n, bytes, busbw_GBps: +busBandwidthGBps(bytes, n, us).toFixed(3), median_us: +us.toFixed(1) });
      }
    }
  }
  const get = (impl: Impl, n: number, bytes: number): Row | undefined => rows.find((r) => r.impl === impl && r.n === n && r.bytes === bytes);
  /** Median over rounds of the paired ratio: busbw a / b (= time b / a), or latency a / b. */
  const ratio = (a: Impl, b: Impl, n: number, bytes: number, by: 'busbw' | 'latency' = 'busbw'): number | null => {
    if (!RAN.has(a) || !RAN.has(b) || !NS.includes(n) || !SIZES.includes(bytes)) return null;
    const rs = perRound.map((m) => {
      const ta = m.get(key(a, n, bytes))!;
      const tb = m.get(key(b, n, bytes))!;
      return by === 'busbw' ? tb / ta : ta / tb;
    });
    return +median(rs).toFixed(2);
  };
  for (const n of NS) {
    console.log(`\nN = ${n}: busbw GB/s (median µs), medians of ${ROUNDS} rounds; ratios are medians of paired ratios`);
    console.log(['size', ...IMPLS, 'shm/mpi-shm', 'shm-reg/mpi-shm', 'tcp/mpi-tcp', 'tcp-reg/mpi-tcp', 'tcp t/nomac t'].map((c) => c.padStart(16)).join(''));
    for (const bytes of SIZES) {
      const cells = IMPLS.map((impl) => {
        const r = get(impl, n, bytes);
        return r ? `${r.busbw_GBps.toFixed(2)} (${r.median_us.toFixed(0)})` : '-';
      });
      const ratios = [
        ratio('shm', 'mpi-shm', n, bytes),
        ratio('shm-reg', 'mpi-shm', n, bytes),
        ratio('tcp', 'mpi-tcp', n, bytes),
        ratio('tcp-reg', 'mpi-tcp', n, bytes),
        ratio('tcp', 'tcp-nomac', n, bytes, 'latency'),
      ];
      console.log([fmtBytes(bytes), ...cells, ...ratios.map(String)].map((c) => c.padStart(16)).join(''));
    }
  }
  const targets = {
    tcp_vs_mpi_tcp_16MiB_n2: ratio('tcp', 'mpi-tcp', 2, 16 * MIB),
    tcp_vs_mpi_tcp_64MiB_n2: ratio('tcp', 'mpi-tcp', 2, 64 * MIB),
    tcp_registered_vs_mpi_tcp_16MiB_n2: ratio('tcp-reg', 'mpi-tcp', 2, 16 * MIB),
    tcp_registered_vs_mpi_tcp_64MiB_n2: ratio('tcp-reg', 'mpi-tcp', 2, 64 * MIB),
    shm_vs_mpi_shm_min_ge_1MiB_n2: minOrNull(SIZES.filter((b) => b >= MIB).map((b) => ratio('shm', 'mpi-shm', 2, b))),
    shm_registered_vs_mpi_shm_min_ge_1MiB_n2: minOrNull(SIZES.filter((b) => b >= MIB).map((b) => ratio('shm-reg', 'mpi-shm', 2, b))),
    tcp_latency_4KiB_vs_mpi_tcp_n2: ratio('tcp', 'mpi-tcp', 2, 4 * KIB, 'latency'),
    // what frame integrity costs: time with it / time without, same run, paired (1.0 = free)
    integrity_cost_tcp_4KiB_n2: ratio('tcp', 'tcp-nomac', 2, 4 * KIB, 'latency'),
    integrity_cost_tcp_16MiB_n2: ratio('tcp', 'tcp-nomac', 2, 16 * MIB, 'latency'),
    integrity_cost_tcp_64MiB_n2: ratio('tcp', 'tcp-nomac', 2, 64 * MIB, 'latency'),
  };
  console.log(
    '\ntargets (N = 2): tcp/mpi-tcp busbw >= 1.0 at 16 and 64 MiB; shm/mpi-shm busbw >= 1.0 from 1 MiB (plain arrays, and registered buffers as shm-reg and tcp-reg); tcp 4 KiB latency <= 4x mpi-tcp',
  );
  console.log(JSON.stringify(targets));
  if (json)
    console.log(
      JSON.stringify({
        bench: 'allreduce',
        baseline: 'OpenMPI MPI_Allreduce (mpi-shm: btl self,vader; mpi-tcp: btl tcp,self on lo)',
        quick,
        rounds: ROUNDS,
        rows,
        targets,
      }),
    );
}

function minOrNull(xs: (number | null)[]): number | null {
  const known = xs.filter((x): x is number => x !== null);
  return known.length ? Math.min(...known) : null;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
