import { isLoopback, parseRingAddress, ranksOnHost, wildcardListenAddress } from './address';

describe('ring addresses', () => {
  it('parses host:port, [v6]:port and Unix paths, and names the rank of a bad one', () => {
    expect(parseRingAddress('10.0.0.1:2222', 0)).toMatchObject({ kind: 'tcp', host: '10.0.0.1', port: 2222 });
    expect(parseRingAddress('[fd00::1]:2222', 0)).toMatchObject({ kind: 'tcp', host: 'fd00::1', port: 2222 });
    expect(parseRingAddress('unix:/run/r.sock', 0)).toMatchObject({ kind: 'unix', path: '/run/r.sock' });
    expect(() => parseRingAddress('worker-1', 3)).toThrow(/addresses\[3\]/);
    expect(isLoopback(parseRingAddress('127.0.0.5:1', 0))).toBe(true);
    expect(isLoopback(parseRingAddress('10.0.0.1:1', 0))).toBe(false);
  });

  it('listens on every interface at the address port, like a TensorFlow server, except on loopback and Unix sockets', () => {
    expect(wildcardListenAddress('trainer-worker-1.trainer.ns.svc:2222', 1)).toBe('0.0.0.0:2222');
    expect(wildcardListenAddress('10.0.0.2:2222', 1)).toBe('0.0.0.0:2222');
    expect(wildcardListenAddress('[fd00::2]:2222', 1)).toBe('[::]:2222');
    expect(wildcardListenAddress('127.0.0.1:2222', 1)).toBeUndefined();
    expect(wildcardListenAddress('localhost:2222', 1)).toBeUndefined();
    expect(wildcardListenAddress('/tmp/r1.sock', 1)).toBeUndefined();
  });

  it('counts the ranks sharing a host (busy-polling is on by default only when they fit its cores)', () => {
    const parse = (xs: string[]) => xs.map((x, i) => parseRingAddress(x, i));
    expect(ranksOnHost(parse(['127.0.0.1:1', '127.0.0.1:2', '/tmp/r2.sock']), 1)).toBe(3);
    const cluster = parse(['10.0.0.1:1', '10.0.0.2:1', '10.0.0.1:2', 'Worker-3:1', 'worker-3:2']);
    expect(ranksOnHost(cluster, 0)).toBe(2);
    expect(ranksOnHost(cluster, 1)).toBe(1);
    expect(ranksOnHost(cluster, 3)).toBe(2);
  });
});
