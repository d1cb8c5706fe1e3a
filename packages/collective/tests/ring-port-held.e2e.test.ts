// A rank whose predecessor's port is held by another program says so (issue 15): an
// AddressInUseError naming that rank and address, "held by another program", instead of
// an authentication failure; for a silent holder at the handshake deadline, for one that
// answers with something else at once.
import { createServer, type Server, type Socket } from 'node:net';
import { AddressInUseError } from '@syncline/core';
import { createRingCommunicator } from '../src/ring/ring-communicator';
import { HANDSHAKE_TIMEOUT_MS } from '../src/ring/rendezvous';
import { freePorts } from './ring-harness';

jest.setTimeout(60_000);

async function holder(port: number, answer: string | undefined): Promise<{ server: Server; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.on('error', () => undefined);
    if (answer !== undefined) s.write(answer);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { server, sockets };
}

describe("a predecessor's port held by another program", () => {
  it.each([
    [
      'answers HTTP',
      'HTTP/1.1 400 Bad Request\r\n\r\n',
      /it answered with something else: Protocol error from rank 0 \(127\.0\.0\.1:\d+\): bad magic 0x50545448/,
    ],
    ['stays silent', undefined, /it accepted the connection but never answered our HELLO \(or rank 0 is stopped\)/],
  ])('one that %s: rank 1 fails with AddressInUseError naming rank 0 and its address', async (_what, answer, detail) => {
    const [p0, p1] = await freePorts(2);
    const h = await holder(p0!, answer);
    const t0 = performance.now();
    const err = await createRingCommunicator({
      rank: 1,
      addresses: [`127.0.0.1:${p0}`, `127.0.0.1:${p1}`],
      insecure: true,
      timeoutMs: 40_000,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const secs = (performance.now() - t0) / 1000;
    h.sockets.forEach((s) => s.destroy());
    h.server.close();
    expect(err).toBeInstanceOf(AddressInUseError);
    const e = err as AddressInUseError;
    expect([e.rank, e.address]).toEqual([0, `127.0.0.1:${p0}`]);
    expect(e.message).toMatch(
      /^Rank 0 cannot listen on 127\.0\.0\.1:\d+: the address is already in use \(rank 0's port is held by another program, as seen from rank 1: /,
    );
    expect(e.message).toMatch(detail);
    expect(e.message).not.toMatch(/SYNCLINE_AUTH_TOKEN|same token/);
    expect(secs).toBeLessThan(answer === undefined ? HANDSHAKE_TIMEOUT_MS / 1000 + 15 : 15); // at the handshake deadline at most, not the 40 s rendezvous
  });
});
