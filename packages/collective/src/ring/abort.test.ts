// ABORT frames carry structured rendezvous failures so that every rank rebuilds the same
// named error (round trip through the frame parser), within one control frame.
import { AddressInUseError, AuthFailedError, ClusterMismatchError, IntegrityError, WorkerLostError } from '@syncline/core';
import { parseRingAddress } from './address';
import { abortKindOf, authDetail, errorFromAbort, failureFrame } from './abort';
import { FrameParser, MAX_CONTROL_PAYLOAD, type FrameHeader } from './frame';

const addresses = ['10.0.0.1:2222', '10.0.0.2:2222', '10.0.0.3:2222'].map((a, i) => parseRingAddress(a, i));
const local = { op: 'rendezvous', seq: 0, timeoutMs: 1000 };

/** Parses one ABORT frame as a neighbour would, and returns what that rank fails with. */
function receive(frame: Buffer): ReturnType<typeof errorFromAbort> {
  let out: ReturnType<typeof errorFromAbort> | undefined;
  const parser = new FrameParser(
    'p',
    { dataDestination: () => null, onFrame: (h: FrameHeader, payload) => (out = errorFromAbort(h, payload, addresses, local)) },
    1024,
  );
  parser.feed(frame, 0, frame.length);
  return out!;
}

describe('ABORT frames for rendezvous failures', () => {
  it('an authentication failure arrives as AuthFailedError naming the same address, marked as reported', () => {
    const e = new AuthFailedError('10.0.0.1:2222', 'the listener could not prove it knows the shared token');
    expect(authDetail(e)).toBe('the listener could not prove it knows the shared token');
    const got = receive(failureFrame(abortKindOf(e), 0, 0, 0, e));
    expect(got.error).toBeInstanceOf(AuthFailedError);
    expect(got.error.message).toBe(
      'Authentication with 10.0.0.1:2222 failed: the listener could not prove it knows the shared token; reported round the ring. ' +
        'Every rank must use the same SYNCLINE_AUTH_TOKEN (or token file).',
    );
    // passed on verbatim, the next rank fails with the same message
    expect(receive(failureFrame(got.kind, got.subject, 0, 0, got.reason)).error.message).toBe(got.error.message);
  });

  it('a cluster mismatch arrives with both members, sizes and the detail', () => {
    const e = new ClusterMismatchError('size', { rank: 1, size: 3, address: '10.0.0.2:2222' }, { rank: 0, size: 2, address: '10.0.0.1:2222' }, { detail: 'x' });
    const got = receive(failureFrame(abortKindOf(e), 0, 0, 0, e)).error as ClusterMismatchError;
    expect(got).toBeInstanceOf(ClusterMismatchError);
    expect([got.kind, got.local, got.peer, got.detail]).toEqual([e.kind, e.local, e.peer, e.detail]);
    expect(got.message).toContain('has a cluster of 3 workers, rank 0 (10.0.0.1:2222) has a cluster of 2 workers (x; reported round the ring)');
  });

  it('an address in use arrives as AddressInUseError naming the address and rank', () => {
    const e = new AddressInUseError('10.0.0.2:2222', 1, 'another worker holds it and also claims rank 1 of 3');
    const got = receive(failureFrame(abortKindOf(e), 1, 0, 0, e)).error as AddressInUseError;
    expect(got).toBeInstanceOf(AddressInUseError);
    expect([got.address, got.rank]).toEqual([e.address, 1]);
    expect(got.message).toContain('Rank 1 cannot listen on 10.0.0.2:2222: the address is already in use (another worker holds it');
  });

  it('an integrity failure arrives as IntegrityError naming the same link, marked as reported', () => {
    const e = new IntegrityError(1, 0, '10.0.0.1:2222', 'the payload of a DATA frame (op #20, step 0, chunk 3, 4096 bytes) carries a wrong tag');
    const got = receive(failureFrame(abortKindOf(e), 1, 20, 1, e));
    expect([got.kind, got.error]).toEqual(['integrity', expect.any(IntegrityError)]);
    const r = got.error as IntegrityError;
    expect([r.rank, r.peerRank, r.address, r.retryable]).toEqual([1, 0, '10.0.0.1:2222', true]);
    expect(r.message).toMatch(
      /^Frame integrity check failed on the link from rank 0 \(10\.0\.0\.1:2222\) to rank 1: the payload of a DATA frame \(op #20.*; reported round the ring\./,
    );
  });

  it('long Unix socket paths and details still fit one control frame and parse', () => {
    const path = `/tmp/${'x'.repeat(150)}/rank-0.sock`;
    const e = new ClusterMismatchError('duplicate', { rank: 0, size: 2, address: path }, { rank: 0, size: 2, address: path }, { detail: 'd'.repeat(300) });
    const frame = failureFrame('mismatch', 0, 0, 0, e);
    expect(frame.length).toBeLessThanOrEqual(28 + MAX_CONTROL_PAYLOAD);
    const got = receive(frame).error as ClusterMismatchError;
    expect(got.kind).toBe('duplicate');
    expect(got.local.address.endsWith('/rank-0.sock')).toBe(true);
  });

  it('other failures keep their kinds', () => {
    expect(abortKindOf(new WorkerLostError(1, 'a', 'x', 0, 'gone'))).toBe('lost');
    expect(receive(failureFrame('lost', 2, 5, 0, 'closed')).error.message).toContain(
      'Lost rank 2 (10.0.0.3:2222) during rendezvous #5: reported round the ring: closed',
    );
  });
});
