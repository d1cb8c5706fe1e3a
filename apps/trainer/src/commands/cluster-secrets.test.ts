import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { isSynclineError } from '@syncline/core';
import { multiWorker } from '@syncline/collective';
import { applyEnvChanges, checkClusterSecrets, isLoopbackAddress } from './cluster-secrets';
import { makeTlsFixture, type TlsFixture } from './tls-fixtures.test-helper';
import { addTrainFlags, validateTrainOptions, type TrainOptions } from './train-options';

function options(args: string[]): TrainOptions {
  const cmd = addTrainFlags(new Command('train').exitOverride().configureOutput({ writeErr: () => undefined }));
  cmd.parse(args, { from: 'user' });
  return validateTrainOptions(cmd.opts());
}

const cluster = (addresses: string[]): string => JSON.stringify({ cluster: { worker: addresses }, task: { type: 'worker', index: 0 } });
const NETWORK = cluster(['10.0.0.1:2222', '10.0.0.2:2222']);
const LOOPBACK = cluster(['127.0.0.1:2222', '127.0.0.1:2223']);
const MW = ['--strategy', 'multi-worker'];

/** The error `fn` throws (a SynclineError with code INVALID_CONFIG, or the test fails). */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isSynclineError(e) && e.code).toBe('INVALID_CONFIG');
    return (e as Error).message;
  }
  throw new Error('expected an InvalidConfigError');
}

let tls: TlsFixture;
beforeAll(() => {
  tls = makeTlsFixture();
  writeFileSync(join(tls.dir, 'short.token'), 'short\n');
  writeFileSync(join(tls.dir, 'good.token'), 'a'.repeat(64) + '\n');
  writeFileSync(join(tls.dir, 'empty.token'), '\n');
});

describe('auth token checks', () => {
  it('refuses a token under 16 bytes when the cluster crosses the network, without showing it', () => {
    const message = refusal(() => checkClusterSecrets(options(MW), { TF_CONFIG: NETWORK, SYNCLINE_AUTH_TOKEN: 'hunter2-secret' }));
    expect(message).toBe(
      'SYNCLINE_AUTH_TOKEN is "a 14-byte token (not shown)"; expected at least 16 bytes, because the ring crosses the network ' +
        '(not loopback: 10.0.0.1:2222, 10.0.0.2:2222); make one with `openssl rand -hex 32 > syncline.token`',
    );
    expect(message).not.toContain('hunter2');
  });

  it('lets a loopback-only cluster keep a short test token, unless it listens on the network', () => {
    expect(checkClusterSecrets(options(MW), { TF_CONFIG: LOOPBACK, SYNCLINE_AUTH_TOKEN: 'x' })).toEqual({});
    const env = { TF_CONFIG: LOOPBACK, SYNCLINE_AUTH_TOKEN: 'x', SYNCLINE_LISTEN_ADDRESS: '0.0.0.0:2222' };
    expect(refusal(() => checkClusterSecrets(options(MW), env))).toContain('(not loopback: 0.0.0.0:2222)');
  });

  it('reads --auth-token-file, refuses a short one there by the file name, and hands the ring the file (not the token)', () => {
    const good = join(tls.dir, 'good.token');
    expect(checkClusterSecrets(options([...MW, '--auth-token-file', good]), { TF_CONFIG: NETWORK })).toEqual({ SYNCLINE_AUTH_TOKEN_FILE: good });
    const env: NodeJS.ProcessEnv = { TF_CONFIG: NETWORK, SYNCLINE_AUTH_TOKEN: '' }; // empty: the ring would take it for a token
    applyEnvChanges(env, checkClusterSecrets(options([...MW, '--auth-token-file', good]), env));
    expect(env).toEqual({ TF_CONFIG: NETWORK, SYNCLINE_AUTH_TOKEN_FILE: good });
    const short = join(tls.dir, 'short.token');
    expect(refusal(() => checkClusterSecrets(options([...MW, '--auth-token-file', short]), { TF_CONFIG: NETWORK }))).toMatch(
      new RegExp(`^the token in --auth-token-file ${short} is "a 5-byte token \\(not shown\\)"; expected at least 16 bytes`),
    );
    const viaEnv = { TF_CONFIG: NETWORK, SYNCLINE_AUTH_TOKEN_FILE: short };
    expect(refusal(() => checkClusterSecrets(options(MW), viaEnv))).toMatch(/^the token in SYNCLINE_AUTH_TOKEN_FILE .*short\.token is "a 5-byte token/);
  });

  it.each([
    [
      ['--auth-token-file', '/nonexistent/syncline.token'],
      {},
      /^--auth-token-file is "\/nonexistent\/syncline.token"; expected a readable file holding the shared token \(reading it failed: ENOENT/,
    ],
    [['--auth-token-file', 'EMPTY'], {}, /^--auth-token-file is ".*empty.token"; expected a file holding the shared token, not an empty one/],
    [
      ['--auth-token-file', 'GOOD'],
      { SYNCLINE_AUTH_TOKEN: 'b'.repeat(32) },
      /^--auth-token-file is ".*good.token"; expected no SYNCLINE_AUTH_TOKEN in the environment as well/,
    ],
  ])('refuses %j with %j', (flags, env, message) => {
    const args = flags.map((f) => (f === 'EMPTY' ? join(tls.dir, 'empty.token') : f === 'GOOD' ? join(tls.dir, 'good.token') : f));
    expect(refusal(() => checkClusterSecrets(options([...MW, ...args]), { TF_CONFIG: NETWORK, ...env }))).toMatch(message);
  });

  it('--auth-token-file and --tls-* belong to multi-worker only', () => {
    expect(refusal(() => options(['--auth-token-file', 'x']))).toMatch(/^--auth-token-file is "x"; expected only with --strategy multi-worker/);
    expect(refusal(() => options(['--tls-ca', 'ca.pem']))).toMatch(/^--tls-ca is "ca.pem"; expected only with --strategy multi-worker/);
  });

  it.each([
    ['127.0.0.1:2222', true],
    ['127.8.9.10:1', true],
    ['localhost:2222', true],
    ['[::1]:2222', true],
    ['10.0.0.1:2222', false],
    ['0.0.0.0:2222', false],
    ['worker-0.svc:2222', false],
    ['[fe80::1]:2222', false],
  ])('isLoopbackAddress(%s) is %s', (address, loopback) => expect(isLoopbackAddress(address)).toBe(loopback));
});

describe('TLS flag checks', () => {
  const flags = (t: Partial<Record<'cert' | 'key' | 'ca', string>>): string[] => Object.entries(t).flatMap(([k, v]) => [`--tls-${k}`, v]);

  it('accepts a fitting certificate, key and CA, and passes their paths to the ring', () => {
    const o = options([...MW, ...flags({ cert: tls.certFile, key: tls.keyFile, ca: tls.caFile })]);
    expect(o.tls).toEqual({ certFile: tls.certFile, keyFile: tls.keyFile, caFile: tls.caFile });
    expect(checkClusterSecrets(o, { TF_CONFIG: LOOPBACK })).toEqual({});
  });

  it('refuses a partial set, naming the missing flags', () => {
    expect(refusal(() => options([...MW, ...flags({ cert: tls.certFile })]))).toBe(
      '--tls-key is missing; expected a PEM file path, since --tls-cert was given: mutual TLS needs --tls-cert, --tls-key and --tls-ca together (missing: --tls-key, --tls-ca)',
    );
    expect(refusal(() => options([...MW, ...flags({ cert: tls.certFile, key: tls.keyFile })]))).toMatch(
      /^--tls-ca is missing; .*since --tls-cert and --tls-key were given/,
    );
  });

  it.each([
    ['a missing file', { ca: '/nonexistent/ca.pem' }, /^--tls-ca is "\/nonexistent\/ca.pem"; expected a readable PEM file \(reading it failed: ENOENT/],
    ['a file that is not PEM', { cert: 'NOT_PEM' }, /^--tls-cert is ".*short.token"; expected a PEM file \(text with a -----BEGIN/],
    [
      'a key of another certificate',
      { key: 'OTHER_KEY' },
      /^--tls-cert, --tls-key, --tls-ca is \[.*\]; expected a certificate, its private key and a CA certificate that fit together \(TLS refused them: .*key values mismatch/,
    ],
  ])('refuses %s before training, naming the flag and the path', (_what, bad, message) => {
    const files = { cert: tls.certFile, key: tls.keyFile, ca: tls.caFile, ...bad };
    const swap = (v: string): string => (v === 'NOT_PEM' ? join(tls.dir, 'short.token') : v === 'OTHER_KEY' ? tls.otherKeyFile : v);
    const o = options([...MW, ...flags({ cert: swap(files.cert), key: swap(files.key), ca: swap(files.ca) })]);
    expect(refusal(() => checkClusterSecrets(o, { TF_CONFIG: LOOPBACK }))).toMatch(message);
  });

  it('multiWorker({ tls }) refuses a partial set by name', () => {
    const partial = JSON.parse('{ "tls": { "certFile": "c.pem", "caFile": "ca.pem" } }'); // as a JavaScript caller could pass it
    expect(refusal(() => multiWorker(partial))).toBe(
      'multiWorker(options).tls.keyFile is missing; expected a PEM file path: mutual TLS needs certFile, keyFile and caFile together',
    );
    expect(multiWorker({ tls: { certFile: 'c.pem', keyFile: 'k.pem', caFile: 'ca.pem' } }).options?.tls).toEqual({
      certFile: 'c.pem',
      keyFile: 'k.pem',
      caFile: 'ca.pem',
    });
  });
});
