/**
 * Test certificates for the ring's mutual TLS, made with the openssl CLI in a fresh temp
 * directory: a CA, and one certificate for 127.0.0.1 / localhost (client and server use)
 * that every worker of a loopback test presents; plus a second CA, and a key that matches
 * no certificate, for the refusals.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TlsFixture {
  readonly dir: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** A CA that did not sign certFile. */
  readonly otherCaFile: string;
  /** A private key that does not belong to certFile. */
  readonly otherKeyFile: string;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Makes the certificates (about 0.1 s); throws with openssl's stderr if it fails. */
export function makeTlsFixture(): TlsFixture {
  const dir = mkdtempSync(join(tmpdir(), 'syncline-tls-'));
  for (const ca of ['ca', 'other-ca'])
    openssl(dir, ['req', '-x509', ...EC, '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-subj', `/CN=syncline test ${ca}`, '-days', '2']);
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  openssl(dir, ['req', ...EC, '-keyout', 'worker.key', '-out', 'worker.csr', '-subj', '/CN=127.0.0.1']);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    'worker.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'worker.pem',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
  ]);
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    certFile: join(dir, 'worker.pem'),
    keyFile: join(dir, 'worker.key'),
    otherCaFile: join(dir, 'other-ca.pem'),
    otherKeyFile: join(dir, 'other-ca.key'),
  };
}
