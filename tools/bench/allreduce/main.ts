/**
 * `npm run bench -- allreduce [--json] [--quick]`: all-reduce bus bandwidth (nccl-tests
 * definitions) for 4 KiB .. 64 MiB, N = 2 and 4: our shared memory, Unix-socket ring and
 * TCP ring, side by side in the same run with OpenMPI's MPI_Allreduce over shared memory
 * (vader) and TCP (loopback). With --json the last line is one JSON object with every row
 * and the target ratios.
 */
import { runImpl, type Impl } from './runners';
import { busBandwidthGBps, iterationsFor, median } from './stats';

const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const KIB = 1024;
const MIB = 1024 * KIB;
const SIZES = quick ? [4 * KIB, 1 * MIB, 16 * MIB, 64 * MIB] : [4 * KIB, 16 * KIB, 64 * KIB, 256 * KIB, 1 * MIB, 4 * MIB, 16 * MIB, 64 * MIB];
const NS = [2, 4];
const IMPLS: Impl[] = ['mpi-shm', 'shm', 'unix', 'tcp', 'mpi-tcp'];

interface Row { impl: Impl; n: number; bytes: number; busbw_GBps: number; median_us: number }

function fmtBytes(b: number): string {
  return b >= MIB ? `${b / MIB} MiB` : `${b / KIB} KiB`;
}

async function main(): Promise<void> {
  const plan = SIZES.map((bytes) => ({ bytes, ...iterationsFor(bytes, quick) }));
  const rows: Row[] = [];
  for (const n of NS) {
    for (const impl of IMPLS) {
      const t0 = Date.now();
      const perSize = await runImpl(impl, n, plan);
      perSize.forEach((times, i) => {
        const bytes = SIZES[i]!;
        const us = median(times);
        rows.push({ impl, n, bytes, busbw_GBps: +busBandwidthGBps(bytes, n, us).toFixed(3), median_us: +us.toFixed(1) });
      });
      if (!json) console.error(`  ${impl} N=${n}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  }
  const get = (impl: Impl, n: number, bytes: number): Row | undefined => rows.find((r) => r.impl === impl && r.n === n && r.bytes === bytes);
  const ratio = (a?: Row, b?: Row, by: 'busbw' | 'latency' = 'busbw'): number | null =>
    a && b ? +(by === 'busbw' ? a.busbw_GBps / b.busbw_GBps : a.median_us / b.median_us).toFixed(2) : null;
  for (const n of NS) {
    console.log(`\nN = ${n}: busbw GB/s (median µs)`);
    console.log(['size', ...IMPLS, 'shm/mpi-shm', 'tcp/mpi-tcp'].map((c) => c.padStart(16)).join(''));
    for (const bytes of SIZES) {
      const cells = IMPLS.map((impl) => { const r = get(impl, n, bytes); return r ? `${r.busbw_GBps.toFixed(2)} (${r.median_us.toFixed(0)})` : '-'; });
      console.log([fmtBytes(bytes), ...cells, String(ratio(get('shm', n, bytes), get('mpi-shm', n, bytes))), String(ratio(get('tcp', n, bytes), get('mpi-tcp', n, bytes)))].map((c) => c.padStart(16)).join(''));
    }
  }
  const targets = {
    tcp_vs_mpi_tcp_16MiB_n2: ratio(get('tcp', 2, 16 * MIB), get('mpi-tcp', 2, 16 * MIB)),
    tcp_vs_mpi_tcp_64MiB_n2: ratio(get('tcp', 2, 64 * MIB), get('mpi-tcp', 2, 64 * MIB)),
    shm_vs_mpi_shm_min_ge_1MiB_n2: Math.min(...SIZES.filter((b) => b >= MIB).map((b) => ratio(get('shm', 2, b), get('mpi-shm', 2, b)) ?? 0)),
    tcp_latency_4KiB_vs_mpi_tcp_n2: ratio(get('tcp', 2, 4 * KIB), get('mpi-tcp', 2, 4 * KIB), 'latency'),
  };
  console.log('\ntargets (N = 2): tcp/mpi-tcp busbw >= 1.0 at 16 and 64 MiB; shm/mpi-shm busbw >= 1.0 from 1 MiB; tcp 4 KiB latency <= 4x mpi-tcp');
  console.log(JSON.stringify(targets));
  if (json) console.log(JSON.stringify({ bench: 'allreduce', baseline: 'OpenMPI MPI_Allreduce (mpi-shm: btl self,vader; mpi-tcp: btl tcp,self on lo)', quick, rows, targets }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
