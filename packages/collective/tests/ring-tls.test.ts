// The ring over mutual TLS with certificates made for the test by openssl (a CA, and one
// certificate per rank for 127.0.0.1); a rank whose certificate the CA did not sign is refused.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { createRingCommunicator } from '../src/ring/ring-communicator';

jest.setTimeout(60_000);

function makeCerts(dir: string): string | undefined {
  const run = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  try {
    for (const ca of ['ca', 'rogue-ca']) {
      run(
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        `${ca}.key`,
        '-out',
        `${ca}.pem`,
        '-days',
        '1',
        '-subj',
        `/CN=${ca}`,
      );
    }
    for (const [name, ca] of [
      ['r0', 'ca'],
      ['r1', 'ca'],
      ['rogue', 'rogue-ca'],
    ] as const) {
      run(
        'req',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.csr`,
        '-subj',
        `/CN=${name}`,
      );
      run(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        `${ca}.pem`,
        '-CAkey',
        `${ca}.key`,
        '-CAcreateserial',
        '-out',
        `${name}.pem`,
        '-days',
        '1',
        '-extfile',
        join(dir, 'san.cnf'),
      );
    }
    return undefined;
  } catch (e) {
    return `openssl could not make test certificates: ${(e as Error).message}`;
  }
}

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

describe('ring over mutual TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'syncline-tls-'));
  writeFileSync(join(dir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  const problem = makeCerts(dir);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const pem = (f: string): Buffer => readFileSync(join(dir, f));
  if (problem) {
    console.log(`skipping TLS tests: ${problem}`);
    it.skip(`mutual TLS (skipped: ${problem})`, () => undefined);
    return;
  }

  it('all-reduces with certificates signed by the shared CA', async () => {
    const addresses = [`127.0.0.1:${await freePort()}`, `127.0.0.1:${await freePort()}`];
    const comms = await Promise.all(
      [0, 1].map((rank) =>
        createRingCommunicator({
          rank,
          addresses,
          authToken: 'tls-test',
          timeoutMs: 20_000,
          tls: { key: pem(`r${rank}.key`), cert: pem(`r${rank}.pem`), ca: pem('ca.pem') },
        }),
      ),
    );
    expect(comms[0]!.name).toBe('ring-tcp');
    const bufs = comms.map((c) => new Float32Array(300_000).fill(c.rank + 1));
    await Promise.all(comms.map((c, i) => c.allReduce(bufs[i]!, 'sum')));
    expect(bufs.every((b) => b.every((x) => x === 3))).toBe(true);
    await Promise.all(comms.map((c) => c.close()));
  });

  it('refuses a rank whose certificate another CA signed', async () => {
    const addresses = [`127.0.0.1:${await freePort()}`, `127.0.0.1:${await freePort()}`];
    const results = await Promise.allSettled([
      createRingCommunicator({
        rank: 0,
        addresses,
        authToken: 'tls-test',
        timeoutMs: 3_000,
        tls: { key: pem('r0.key'), cert: pem('r0.pem'), ca: pem('ca.pem') },
      }),
      createRingCommunicator({
        rank: 1,
        addresses,
        authToken: 'tls-test',
        timeoutMs: 3_000,
        tls: { key: pem('rogue.key'), cert: pem('rogue.pem'), ca: pem('ca.pem') },
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    for (const r of results) if (r.status === 'fulfilled') await r.value.close();
  });
});
