import { createServer, type Server } from 'node:net';
import { findFreePortRange } from './free-port-range';

function listenOn(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen({ host, port }, () => resolve(s));
  });
}

describe('findFreePortRange', () => {
  it('returns a base port whose whole run can then be bound', async () => {
    const base = await findFreePortRange('127.0.0.1', 4);
    const servers = await Promise.all([0, 1, 2, 3].map((r) => listenOn('127.0.0.1', base + r)));
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  it('accepts a bracketed IPv6 loopback address', async () => {
    let ipv6 = true;
    await listenOn('::1', 0).then(
      (s) => new Promise((r) => s.close(r)),
      () => (ipv6 = false),
    );
    if (!ipv6) {
      console.log('skipped the IPv6 case: this machine has no ::1');
      return;
    }
    expect(await findFreePortRange('[::1]', 2)).toBeGreaterThan(0);
  });

  it('names --host-ip when the address is not on this machine', async () => {
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never assigned to a local interface
    await expect(findFreePortRange('192.0.2.1', 2)).rejects.toThrow(/--host-ip is "192.0.2.1"; expected an address of this machine/);
  });
});
