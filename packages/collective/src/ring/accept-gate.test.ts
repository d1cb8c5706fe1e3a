// The accept gate on real loopback sockets: sources outside the cluster and connections
// beyond the caps are closed at accept, with a log line naming the source.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { parseRingAddress } from './address';
import { AcceptGate, clusterSources, MAX_PENDING_AUTH, MAX_PENDING_PER_SOURCE } from './accept-gate';

function serve(gate: AcceptGate, admitted: { settle: () => void }[]): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => {
    const a = gate.admit(s);
    if (a) admitted.push(a);
  });
  return new Promise((res) => server.listen(0, '127.0.0.1', () => res({ server, port: (server.address() as { port: number }).port })));
}

/** Opens a connection and resolves with whether the server closed it within `ms`. */
function closedSoon(port: number, ms = 500): Promise<{ closed: boolean; socket: Socket }> {
  return new Promise((res) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    const t = setTimeout(() => res({ closed: false, socket }), ms);
    socket.once('close', () => {
      clearTimeout(t);
      res({ closed: true, socket });
    });
  });
}

describe('AcceptGate', () => {
  it('filters by the cluster only when every TCP address is a literal IP', () => {
    const at = (list: string[]) => clusterSources(list.map((a, i) => parseRingAddress(a, i)));
    expect([...at(['10.0.0.1:2222', '10.0.0.2:2222'])!]).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(at(['worker-0.svc:2222', '10.0.0.2:2222'])).toBeUndefined();
    expect(at(['/tmp/a.sock', '/tmp/b.sock'])).toBeUndefined();
  });

  it('closes a connection from outside the cluster before reading, naming the source', async () => {
    const lines: string[] = [];
    const gate = new AcceptGate(new Set(['10.9.9.9']), '127.0.0.1:x', (l) => lines.push(l));
    const { server, port } = await serve(gate, []);
    expect((await closedSoon(port)).closed).toBe(true);
    expect(lines).toEqual([
      'syncline ring: refused a connection from 127.0.0.1 to 127.0.0.1:x before authentication: it is not an address of the cluster (10.9.9.9)',
    ]);
    expect(gate.pending).toBe(0);
    server.close();
  });

  it(`lets at most ${MAX_PENDING_PER_SOURCE} per source and ${MAX_PENDING_AUTH} in all wait for authentication; a settled one frees its place`, async () => {
    const lines: string[] = [];
    const admitted: { settle: () => void }[] = [];
    const gate = new AcceptGate(undefined, 'here', (l) => lines.push(l));
    const { server, port } = await serve(gate, admitted);
    const tries = await Promise.all(Array.from({ length: MAX_PENDING_PER_SOURCE + 3 }, () => closedSoon(port)));
    expect(tries.filter((t) => !t.closed)).toHaveLength(MAX_PENDING_PER_SOURCE);
    expect(gate.pending).toBe(MAX_PENDING_PER_SOURCE);
    expect(lines).toHaveLength(1); // later refusals from the same source are counted, not each logged
    expect(lines[0]).toMatch(/refused a connection from 127\.0\.0\.1 to here before authentication: 2 connections from it already wait/);
    admitted[0]!.settle();
    admitted[0]!.settle(); // idempotent
    expect(gate.pending).toBe(MAX_PENDING_PER_SOURCE - 1);
    expect((await closedSoon(port)).closed).toBe(false);
    for (const t of tries) t.socket.destroy();
    server.close();
  });

  it('refuses beyond the global cap whatever the sources', () => {
    const lines: string[] = [];
    const gate = new AcceptGate(undefined, 'here', (l) => lines.push(l));
    const fake = (ip: string) => ({
      remoteAddress: `::ffff:${ip}`,
      destroyed: false,
      destroy() {
        this.destroyed = true;
      },
    });
    const sockets = Array.from({ length: MAX_PENDING_AUTH + 2 }, (_, i) => fake(`10.0.0.${i + 1}`));
    const got = sockets.map((s) => gate.admit(s as unknown as Socket));
    expect(got.filter(Boolean)).toHaveLength(MAX_PENDING_AUTH);
    expect(sockets.map((s) => s.destroyed)).toEqual([...Array(MAX_PENDING_AUTH).fill(false), true, true]);
    expect(lines[0]).toMatch(
      new RegExp(`from 10\\.0\\.0\\.${MAX_PENDING_AUTH + 1} to here before authentication: ${MAX_PENDING_AUTH} connections already wait`),
    );
  });
});
