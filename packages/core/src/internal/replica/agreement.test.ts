import type { Communicator, ReduceOp } from '../../contracts/communicator';
import { ConfigMismatchError } from '../../errors/config-mismatch-error';
import { isSynclineError } from '../../errors/syncline-error';
import { checkAgreement, firstMismatch, type AgreementFields } from './agreement';

/** N ranks in one event loop: an all-reduce resolves once every rank has contributed (enough for the protocol). */
function memoryGroup(size: number): Communicator[] {
  let round: { bufs: Float32Array[]; op: ReduceOp; waiters: (() => void)[] } | undefined;
  const allReduce = (buf: Float32Array, op: ReduceOp): Promise<Float32Array> =>
    new Promise((resolve, reject) => {
      round ??= { bufs: [], op, waiters: [] };
      const r = round;
      if (r.bufs.length > 0 && r.bufs[0]!.length !== buf.length) reject(new Error(`length ${buf.length} != ${r.bufs[0]!.length}`));
      r.bufs.push(buf);
      r.waiters.push(() => resolve(buf));
      if (r.bufs.length < size) return;
      round = undefined;
      const out = new Float32Array(buf.length);
      for (let i = 0; i < out.length; i++) {
        const xs = r.bufs.map((b) => b[i]!);
        out[i] = r.op === 'max' ? Math.max(...xs) : xs.reduce((a, b) => a + b, 0);
      }
      for (const b of r.bufs) b.set(out);
      for (const w of r.waiters) w();
    });
  return Array.from({ length: size }, (_, rank) => ({ name: 'memory', rank, size, allReduce }) as unknown as Communicator);
}

const BASE: AgreementFields = { 'Syncline version': '0.1.0', '--global-batch': '64', '--epochs': '5', 'model spec': 'x'.repeat(500) };

describe('agreement at rendezvous', () => {
  it('passes when every rank has the same fields', async () => {
    const comms = memoryGroup(3);
    await expect(Promise.all(comms.map((c) => checkAgreement(c, BASE)))).resolves.toBeDefined();
  });

  it('fails on every rank with the same error naming the field, both values and the ranks', async () => {
    const comms = memoryGroup(3);
    const results = await Promise.allSettled(comms.map((c) => checkAgreement(c, c.rank === 2 ? { ...BASE, '--global-batch': '128' } : BASE)));
    const messages = results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'resolved'));
    expect(new Set(messages).size).toBe(1);
    expect(messages[0]).toBe(
      'Workers disagree on --global-batch: ranks 0, 1 have 64; rank 2 has 128. Start every worker of the cluster with the same --global-batch.',
    );
    const e = (results[0] as PromiseRejectedResult).reason as ConfigMismatchError;
    expect(e).toBeInstanceOf(ConfigMismatchError);
    expect(isSynclineError(e) && e.code).toBe('CONFIG_MISMATCH');
    expect(e.values).toEqual([
      { value: '64', ranks: [0, 1] },
      { value: '128', ranks: [2] },
    ]);
  });

  it("names the first differing field in the fields' order, and tells long values apart by their hash", async () => {
    const comms = memoryGroup(2);
    const other = { ...BASE, 'model spec': 'x'.repeat(499) + 'y', '--epochs': '6' };
    const results = await Promise.allSettled(comms.map((c) => checkAgreement(c, c.rank === 1 ? other : BASE)));
    expect((results[1] as PromiseRejectedResult).reason.message).toMatch(/^Workers disagree on --epochs: rank 0 has 5; rank 1 has 6\./);
    const specOnly = await Promise.allSettled(comms.map((c) => checkAgreement(c, c.rank === 1 ? { ...BASE, 'model spec': other['model spec'] } : BASE)));
    expect((specOnly[0] as PromiseRejectedResult).reason.message).toMatch(
      /on model spec: rank 0 has x{60}\.\.\. \(500 chars, sha256 [0-9a-f]{16}\); rank 1 has x{60}\.\.\. \(500 chars, sha256 [0-9a-f]{16}\)/,
    );
  });

  it('reports a field only some ranks send (another Syncline version) instead of passing', () => {
    expect(
      firstMismatch([
        [['a', '1']],
        [
          ['a', '1'],
          ['b', '2'],
        ],
      ]),
    ).toEqual({
      field: 'b',
      values: [
        { value: '(not set: an older or newer Syncline?)', ranks: [0] },
        { value: '2', ranks: [1] },
      ],
    });
  });
});
