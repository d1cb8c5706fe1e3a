import { checkHostPort, isAddressProblem, type HostPort } from './host-port';
import { ipv6Key, isHostname, isIPv4 } from './ip-address';

function ok(address: string): HostPort {
  const r = checkHostPort(address);
  if (isAddressProblem(r)) throw new Error(`expected ${address} to be valid: ${r.expected}`);
  return r;
}
function problem(address: unknown): string {
  const r = checkHostPort(address);
  if (!isAddressProblem(r)) throw new Error(`expected ${String(address)} to be invalid`);
  return r.expected;
}

describe('checkHostPort', () => {
  it.each([
    ['localhost:2222', 'hostname', 'localhost', 2222],
    ['tfjob-worker-0.tfjob.default.svc.cluster.local:2222', 'hostname', 'tfjob-worker-0.tfjob.default.svc.cluster.local', 2222],
    ['cmle-training-workerpool0-ab-0:2222', 'hostname', 'cmle-training-workerpool0-ab-0', 2222],
    ['compose_worker_1:1', 'hostname', 'compose_worker_1', 1],
    ['host.example.com.:65535', 'hostname', 'host.example.com.', 65535],
    ['10.0.0.7:2222', 'ipv4', '10.0.0.7', 2222],
    ['0.0.0.0:80', 'ipv4', '0.0.0.0', 80],
    ['[::1]:2222', 'ipv6', '::1', 2222],
    ['[fd00::7]:2222', 'ipv6', 'fd00::7', 2222],
    ['[::ffff:10.0.0.7]:2222', 'ipv6', '::ffff:10.0.0.7', 2222],
    ['[fe80::1%eth0]:2222', 'ipv6', 'fe80::1%eth0', 2222],
    ['[2001:db8:0:0:0:0:2:1]:9', 'ipv6', '2001:db8:0:0:0:0:2:1', 9],
  ])('accepts %s', (address, kind, host, port) => {
    const r = ok(address);
    expect(r).toMatchObject({ hostKind: kind, host, port, address });
  });

  it('gives equal keys to the same socket written differently', () => {
    expect(ok('[::1]:2222').key).toBe(ok('[0:0:0:0:0:0:0:1]:2222').key);
    expect(ok('[2001:DB8::1]:1').key).toBe(ok('[2001:db8:0::1]:1').key);
    expect(ok('[::ffff:10.0.0.7]:1').key).toBe(ok('[::ffff:a00:7]:1').key);
    expect(ok('Worker-0.Example:2222').key).toBe(ok('worker-0.example.:2222').key);
    expect(ok('a:1').key).not.toBe(ok('a:2').key);
  });

  it.each([
    [42, /"host:port" string/],
    ['', /non-empty/],
    [' host:1', /without spaces/],
    ['host:1\n', /without spaces/],
    ['grpc://host:2222', /without a scheme.*rpc_layer/],
    ['host:2222/path', /without a path/],
    ['host', /port after the host, as "host:2222"/],
    ['::1:2222', /IPv6 host in brackets/],
    ['fe80::1', /IPv6 host in brackets/],
    [':2222', /a host before ":2222"/],
    ['host:', /port from 1 to 65535.*got ""/],
    ['host:0', /port from 1 to 65535.*got "0"/],
    ['host:65536', /port from 1 to 65535.*got "65536"/],
    ['host:02222', /leading zeros/],
    ['host:+80', /port from 1 to 65535/],
    ['host:1e3', /port from 1 to 65535/],
    ['256.0.0.1:1', /dotted IPv4.*got "256.0.0.1"/],
    ['10.0.0:1', /dotted IPv4/],
    ['010.0.0.1:1', /without leading zeros/],
    ['123:1', /dotted IPv4/],
    ['-host:1', /hostname made of/],
    ['host-:1', /hostname made of/],
    ['ho$t:1', /hostname made of/],
    ['a..b:1', /hostname made of/],
    [`${'a'.repeat(64)}:1`, /each 1\.\.63/],
    [`${'abcdefghi.'.repeat(26)}com:1`, /at most 253/],
    ['[::1:2222', /closing "]"/],
    ['[::1]', /port after the bracketed/],
    ['[::1]2222', /":port" right after "]"/],
    ['[::g]:1', /valid IPv6.*got "::g"/],
    ['[1:2:3:4:5:6:7:8:9]:1', /valid IPv6/],
    ['[1::2::3]:1', /valid IPv6/],
    ['[10.0.0.7]:1', /valid IPv6/],
    ['[]:1', /a host before/],
  ])('refuses %p with what to write instead', (address, expected) => {
    expect(problem(address)).toMatch(expected);
  });
});

describe('ip-address', () => {
  it('checks IPv4 strictly', () => {
    expect(isIPv4('255.255.255.255')).toBe(true);
    expect(isIPv4('1.2.3')).toBe(false);
    expect(isIPv4('1.2.3.4.5')).toBe(false);
    expect(isIPv4('01.2.3.4')).toBe(false);
  });

  it('canonicalises IPv6 forms', () => {
    expect(ipv6Key('::')).toBe('0:0:0:0:0:0:0:0');
    expect(ipv6Key('1::')).toBe('1:0:0:0:0:0:0:0');
    expect(ipv6Key('::1.2.3.4')).toBe('0:0:0:0:0:0:102:304');
    expect(ipv6Key('1:2:3:4:5:6:7::')).toBe('1:2:3:4:5:6:7:0');
    expect(ipv6Key('1:2:3:4:5:6:7:8::')).toBeUndefined();
    expect(ipv6Key('1.2.3.4::')).toBeUndefined();
    expect(ipv6Key('12345::')).toBeUndefined();
    expect(ipv6Key('fe80::1%')).toBeUndefined();
    expect(ipv6Key(':1')).toBeUndefined();
  });

  it('allows one trailing dot on a hostname but refuses an all-numeric name', () => {
    expect(isHostname('example.com.')).toBe(true);
    expect(isHostname('.')).toBe(false);
    expect(isHostname('1.2')).toBe(false);
    expect(isHostname('host1.2')).toBe(true);
  });
});
