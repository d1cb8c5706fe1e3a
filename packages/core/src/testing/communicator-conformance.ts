/**
 * The shared Communicator conformance suite (jest): every implementation runs it.
 *
 * 1. For each group size N (default 1..5) the factory builds one group, reused by every case.
 * 2. Each case is a ConformanceProgram (plain data) that the group runs on all ranks.
 * 3. Outputs are checked against `expectedOutput`: sum/max/broadcast/allGather exactly
 *    (inputs are small integers, so sums are exact), mean within float32 rounding, and
 *    every rank must hold bit-identical results (mirrored replicas depend on it).
 */
import type { ConformanceOp, ConformanceProgram, CommunicatorGroup, CommunicatorGroupFactory } from './communicator-programs';
import { expectedOutput } from './communicator-programs';

/** Names of the cases, for `skip`. */
export type CommunicatorConformanceCase =
  | 'allReduce-sum'
  | 'allReduce-mean'
  | 'allReduce-max'
  | 'broadcast-every-root'
  | 'allGather'
  | 'barrier'
  | 'back-to-back'
  | 'concurrent-issue'
  | 'reduceScatter-allGatherShards'
  | 'registered-buffers';

export interface CommunicatorConformanceOptions {
  /** Cases this implementation skips, each with the reason printed in the test title. */
  readonly skip?: readonly { readonly case: CommunicatorConformanceCase; readonly reason: string }[];
  /** Group sizes to test (default 1, 2, 3, 4, 5). */
  readonly sizes?: readonly number[];
  /** Extra buffer lengths on top of 0, 1, 7, N-1, N+1 and 2^20+3. */
  readonly extraLengths?: readonly number[];
  /** The implementation has the optional reduceScatter and allGatherShards (then tested). */
  readonly sharded?: boolean;
  /**
   * The implementation has the optional allocate() with room for CONFORMANCE_REGISTERED_FLOATS
   * per rank: allReduce (and, with `sharded`, reduceScatter) run on registered buffers on
   * every rank and on the even ranks only, interleaved with plain ops.
   */
  readonly registered?: boolean;
  /** jest timeout per case, in milliseconds (default 60 s). */
  readonly caseTimeoutMs?: number;
}

/** The large case: 2^20 + 3 floats (not a multiple of any chunk or SIMD width). */
export const CONFORMANCE_LARGE_LENGTH = 2 ** 20 + 3;
const MEAN_RELATIVE_TOLERANCE = 1e-6;
const BACK_TO_BACK_OPS = 60;

function lengthsFor(n: number, extra: readonly number[]): number[] {
  return [...new Set([0, 1, 7, n - 1, n + 1, CONFORMANCE_LARGE_LENGTH, ...extra])].filter((l) => l >= 0);
}

function mixedOps(n: number, count: number): ConformanceOp[] {
  const ops: ConformanceOp[] = [];
  const reduceOps = ['sum', 'mean', 'max'] as const;
  for (let i = 0; i < count; i++) {
    const length = [0, 1, 7, 33, 1000, 4099][i % 6]!;
    switch (i % 4) {
      case 0:
        ops.push({ kind: 'allReduce', op: reduceOps[i % 3]!, length, seed: i });
        break;
      case 1:
        ops.push({ kind: 'broadcast', root: i % n, length, seed: i });
        break;
      case 2:
        ops.push({ kind: 'allGather', length, seed: i });
        break;
      default:
        ops.push({ kind: 'barrier' });
    }
  }
  return ops;
}

function describeOp(op: ConformanceOp): string {
  if (op.kind === 'barrier') return 'barrier';
  if (op.kind === 'allReduce') return `allReduce(${op.op}, length ${op.length})`;
  if (op.kind === 'shardedAllReduce') return `reduceScatter+allGatherShards(${op.op}, length ${op.length})`;
  if (op.kind === 'broadcast') return `broadcast(root ${op.root}, length ${op.length})`;
  return `allGather(length ${op.length})`;
}

function firstMismatch(got: Float32Array, want: Float32Array, tolerance: number): string | undefined {
  if (got.length !== want.length) return `length ${got.length}, expected ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (g === w) continue;
    const ok = tolerance !== 0 && Math.abs(g - w) <= tolerance * Math.max(1, Math.abs(w));
    if (!ok) return `element ${i} is ${g}, expected ${w}`;
  }
  return undefined;
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

async function check(group: CommunicatorGroup, program: ConformanceProgram): Promise<void> {
  const results = await group.run(program);
  const problems: string[] = [];
  if (results.length !== group.size) problems.push(`got results from ${results.length} ranks, expected ${group.size}`);
  program.ops.forEach((op, k) => {
    const want = expectedOutput(op, group.size);
    const tolerance = (op.kind === 'allReduce' || op.kind === 'shardedAllReduce') && op.op === 'mean' ? MEAN_RELATIVE_TOLERANCE : 0;
    results.forEach((rankOut, r) => {
      const got = rankOut[k];
      const bad = got ? firstMismatch(got, want, tolerance) : 'no output';
      if (bad) problems.push(`op ${k} ${describeOp(op)} on rank ${r}: ${bad}`);
      else if (r > 0 && !sameBits(got!, results[0]![k]!)) problems.push(`op ${k} ${describeOp(op)}: rank ${r} differs bitwise from rank 0`);
    });
  });
  if (problems.length) throw new Error(`${problems.length} mismatches:\n${problems.slice(0, 10).join('\n')}`);
}

/**
 * Registers the conformance suite for one Communicator implementation.
 *
 * @param name implementation name, shown in the describe title.
 * @param factory builds a group of N ranks; called once per group size and closed afterwards.
 */
export function describeCommunicatorConformance(name: string, factory: CommunicatorGroupFactory, options: CommunicatorConformanceOptions = {}): void {
  const sizes = options.sizes ?? [1, 2, 3, 4, 5];
  const timeout = options.caseTimeoutMs ?? 60_000;
  const skipped = new Map((options.skip ?? []).map((s) => [s.case, s.reason]));

  describe(`Communicator conformance: ${name}`, () => {
    for (const n of sizes) {
      describe(`N = ${n}`, () => {
        let group: CommunicatorGroup | undefined;
        beforeAll(async () => {
          group = await factory(n);
        }, timeout);
        afterAll(async () => {
          await group?.close();
        }, timeout);

        const lengths = lengthsFor(n, options.extraLengths ?? []);
        const cases: [CommunicatorConformanceCase, ConformanceProgram][] = [
          ...(['sum', 'mean', 'max'] as const).map((op): [CommunicatorConformanceCase, ConformanceProgram] => [
            `allReduce-${op}`,
            { ops: lengths.map((length, i) => ({ kind: 'allReduce', op, length, seed: i })) },
          ]),
          [
            'broadcast-every-root',
            {
              ops: Array.from({ length: n }, (_, root) => lengths.map((length, i) => ({ kind: 'broadcast' as const, root, length, seed: i + root }))).flat(),
            },
          ],
          ['allGather', { ops: lengths.map((length, i) => ({ kind: 'allGather', length, seed: i })) }],
          ['barrier', { ops: Array.from({ length: 5 }, () => ({ kind: 'barrier' as const })) }],
          ['back-to-back', { ops: mixedOps(n, BACK_TO_BACK_OPS) }],
          ['concurrent-issue', { ops: mixedOps(n, BACK_TO_BACK_OPS / 2), concurrent: true }],
        ];
        if (options.sharded) {
          // every length and op, then interleaved with allReduce (they share slots and barriers)
          const ops: ConformanceOp[] = (['sum', 'mean', 'max'] as const).flatMap((op) =>
            lengths.map((length, i) => ({ kind: 'shardedAllReduce' as const, op, length, seed: i })),
          );
          cases.push([
            'reduceScatter-allGatherShards',
            { ops: [...ops, ...mixedOps(n, 12).flatMap((m, i) => [m, { kind: 'shardedAllReduce' as const, op: 'sum' as const, length: 33 * i, seed: i }])] },
          ]);
        }
        if (options.registered) {
          const kinds = options.sharded ? (['allReduce', 'shardedAllReduce'] as const) : (['allReduce'] as const);
          // every op with all ranks registered; the mixed path does not depend on the op, so sum only
          const ops: ConformanceOp[] = kinds.flatMap((kind) => [
            ...(['sum', 'mean', 'max'] as const).flatMap((op) => lengths.map((length, i) => ({ kind, op, length, seed: i, registered: 'all' as const }))),
            ...lengths.map((length, i) => ({ kind, op: 'sum' as const, length, seed: i + 1, registered: 'even' as const })),
          ]);
          cases.push([
            'registered-buffers',
            {
              ops: [
                ...ops,
                ...mixedOps(n, 12).flatMap((m, i) => [
                  m,
                  { kind: 'allReduce' as const, op: 'sum' as const, length: 33 * i, seed: i, registered: 'all' as const },
                ]),
              ],
            },
          ]);
        }
        for (const [caseName, program] of cases) {
          const reason = skipped.get(caseName);
          if (reason !== undefined) it.skip(`${caseName} (skipped: ${reason})`, () => undefined);
          else it(caseName, () => check(group!, program), timeout);
        }
      });
    }
  });
}
