/**
 * `npm run bench -- allreduce [--json] [--quick] [--rounds R]`: all-reduce bus bandwidth
 * (nccl-tests definitions) for 4 KiB .. 64 MiB, N = 2 and 4: our shared memory,
 * Unix-socket ring and TCP ring, side by side in the same run with OpenMPI's
 * MPI_Allreduce over shared memory (vader) and TCP (loopback).
 * This machine's speed drifts by tens of percent within minutes, so the run is paired:
 * R rounds (default 3), each running every implementation once over all sizes, with each
 * of ours right next to its MPI baseline (mpi-shm, shm | tcp, mpi-tcp | unix; the order
 * inside a pair alternates by round). A row is the median over rounds of each round's
 * median time; a target ratio is the median over rounds of that round's paired ratio.
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
const SIZES = quick ? [4 * KIB, 1 * MIB, 16 * MIB, 64 * MIB] : [4 * KIB, 16 * KIB, 64 * KIB, 256 * KIB, 1 * MIB, 4 * MIB, 16 * MIB, 64 * MIB];
const NS = [2, 4];
const IMPLS: Impl[] = ['mpi-shm', 'shm', 'unix', 'tcp', 'mpi-tcp'];
/** Run adjacently in each round: ours next to its baseline. */
const PAIRS: Impl[][] = [['mpi-shm', 'shm'], ['tcp', 'mpi-tcp'], ['unix']];

interface Row { impl: Impl; n: number; bytes: number; busbw_GBps: number; median_us: number }

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
    for (const impl of IMPLS) {
      for (const bytes of SIZES) {
        const us = median(perRound.map((m) => m.get(key(impl, n, bytes))!));
        rows.push({ impl, n, bytes, busbw_GBps: +busBandwidthGBps(bytes, n, us).toFixed(3), median_us: +us.toFixed(1) });
      }
    }
  }
  const get = (impl: Impl, n: number, bytes: number): Row | undefined => rows.find((r) => r.impl === impl && r.n === n && r.bytes === bytes);
  /** Median over rounds of the paired ratio: busbw a / b (= time b / a), or latency a / b. */
  const ratio = (a: Impl, b: Impl, n: number, bytes: number, by: 'busbw' | 'latency' = 'busbw'): number => {
    const rs = perRound.map((m) => {
      const ta = m.get(key(a, n, bytes))!;
      const tb = m.get(key(b, n, bytes))!;
      return by === 'busbw' ? tb / ta : ta / tb;
    });
    return +median(rs).toFixed(2);
  };
  for (const n of NS) {
    console.log(`\nN = ${n}: busbw GB/s (median µs), medians of ${ROUNDS} rounds; ratios are medians of paired ratios`);
    console.log(['size', ...IMPLS, 'shm/mpi-shm', 'tcp/mpi-tcp'].map((c) => c.padStart(16)).join(''));
    for (const bytes of SIZES) {
      const cells = IMPLS.map((impl) => { const r = get(impl, n, bytes); return r ? `${r.busbw_GBps.toFixed(2)} (${r.median_us.toFixed(0)})` : '-'; });
      console.log([fmtBytes(bytes), ...cells, String(ratio('shm', 'mpi-shm', n, bytes)), String(ratio('tcp', 'mpi-tcp', n, bytes))].map((c) => c.padStart(16)).join(''));
    }
  }
  const targets = {
    tcp_vs_mpi_tcp_16MiB_n2: ratio('tcp', 'mpi-tcp', 2, 16 * MIB),
    tcp_vs_mpi_tcp_64MiB_n2: ratio('tcp', 'mpi-tcp', 2, 64 * MIB),
    shm_vs_mpi_shm_min_ge_1MiB_n2: Math.min(...SIZES.filter((b) => b >= MIB).map((b) => ratio('shm', 'mpi-shm', 2, b))),
    tcp_latency_4KiB_vs_mpi_tcp_n2: ratio('tcp', 'mpi-tcp', 2, 4 * KIB, 'latency'),
  };
  console.log('\ntargets (N = 2): tcp/mpi-tcp busbw >= 1.0 at 16 and 64 MiB; shm/mpi-shm busbw >= 1.0 from 1 MiB; tcp 4 KiB latency <= 4x mpi-tcp');
  console.log(JSON.stringify(targets));
  if (json) console.log(JSON.stringify({ bench: 'allreduce', baseline: 'OpenMPI MPI_Allreduce (mpi-shm: btl self,vader; mpi-tcp: btl tcp,self on lo)', quick, rounds: ROUNDS, rows, targets }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
