/**
 * Checks the secrets a multi-worker `syncline train` brings to its ring before any data is
 * loaded, so a bad token or certificate fails at once, naming the flag and the path:
 *   1. --auth-token-file: a readable file holding a token; not together with
 *      SYNCLINE_AUTH_TOKEN (the ring would quietly prefer the variable). The ring reads the
 *      file itself, so the token appears on no command line and in no environment: the
 *      caller sets SYNCLINE_AUTH_TOKEN_FILE to the returned absolute path (and removes an
 *      empty SYNCLINE_AUTH_TOKEN, which the ring would take for a token).
 *   2. The token the ring will use (the flag's file, else SYNCLINE_AUTH_TOKEN, else
 *      SYNCLINE_AUTH_TOKEN_FILE) has at least MIN_AUTH_TOKEN_BYTES bytes when any cluster
 *      address (or SYNCLINE_LISTEN_ADDRESS) is not loopback; loopback-only clusters may keep
 *      short test tokens. Without any token the ring's own check applies.
 *   3. --tls-cert/--tls-key/--tls-ca: each a readable PEM file, and the key matches the
 *      certificate (a TLS context is built from them).
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import { InvalidConfigError, TFConfigClusterResolver } from '@syncline/core';
import { AUTH_TOKEN_ENV, AUTH_TOKEN_FILE_ENV, LISTEN_ADDRESS_ENV } from '@syncline/collective';
import type { TlsFiles, TrainOptions } from './train-options';

/** Shortest shared secret accepted for a ring that crosses the network, bytes (UTF-8). */
export const MIN_AUTH_TOKEN_BYTES = 16;
const MAKE_ONE = 'make one with `openssl rand -hex 32 > syncline.token`';

/** True for "localhost", 127.0.0.0/8 and ::1 (with or without a port). */
export function isLoopbackAddress(address: string): boolean {
  const host = address.startsWith('[') ? address.slice(1, address.indexOf(']')) : isIP(address) === 6 ? address : address.replace(/:\d+$/, '');
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

function readSecretFile(what: string, path: string, expected: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InvalidConfigError(what, path, `${expected} (reading it failed: ${(e as Error).message})`, { cause: e });
  }
}

/** The token the ring will use and where it comes from, or undefined when there is none. */
function tokenInUse(o: TrainOptions, env: NodeJS.ProcessEnv): { token: string; source: string } | undefined {
  if (o.authTokenFile !== undefined) {
    if (env[AUTH_TOKEN_ENV] !== undefined && env[AUTH_TOKEN_ENV] !== '') {
      throw new InvalidConfigError(
        '--auth-token-file',
        o.authTokenFile,
        `no ${AUTH_TOKEN_ENV} in the environment as well (the ring would use the variable): give the token one way`,
      );
    }
    const token = readSecretFile('--auth-token-file', o.authTokenFile, 'a readable file holding the shared token').trim();
    if (token === '') throw new InvalidConfigError('--auth-token-file', o.authTokenFile, `a file holding the shared token, not an empty one; ${MAKE_ONE}`);
    return { token, source: `the token in --auth-token-file ${o.authTokenFile}` };
  }
  const fromEnv = env[AUTH_TOKEN_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { token: fromEnv, source: `${AUTH_TOKEN_ENV}` };
  const file = env[AUTH_TOKEN_FILE_ENV];
  if (file === undefined || file === '') return undefined;
  const token = readSecretFile(AUTH_TOKEN_FILE_ENV, file, 'a readable file holding the shared token').trim();
  return token === '' ? undefined : { token, source: `the token in ${AUTH_TOKEN_FILE_ENV} ${file}` };
}

/** Step 2: a short token only where every address is loopback. */
function checkTokenLength(o: TrainOptions, env: NodeJS.ProcessEnv): void {
  const inUse = tokenInUse(o, env);
  if (inUse === undefined) return;
  const bytes = Buffer.byteLength(inUse.token, 'utf8');
  if (bytes >= MIN_AUTH_TOKEN_BYTES) return;
  const resolver = TFConfigClusterResolver.fromEnv(env);
  const listen = env[LISTEN_ADDRESS_ENV];
  const addresses = [...resolver.rankAddresses, ...(listen ? [listen] : [])];
  const exposed = addresses.filter((a) => !isLoopbackAddress(a));
  if (exposed.length === 0) return;
  throw new InvalidConfigError(
    inUse.source,
    `a ${bytes}-byte token (not shown)`,
    `at least ${MIN_AUTH_TOKEN_BYTES} bytes, because the ring crosses the network (not loopback: ${exposed.join(', ')}); ${MAKE_ONE}`,
  );
}

const TLS_FLAG: Record<keyof TlsFiles, string> = { certFile: '--tls-cert', keyFile: '--tls-key', caFile: '--tls-ca' };

/** Step 3: three readable PEM files whose key fits the certificate. */
function checkTls(tls: TlsFiles): void {
  const pem = {} as Record<keyof TlsFiles, string>;
  for (const field of Object.keys(TLS_FLAG) as (keyof TlsFiles)[]) {
    const path = tls[field];
    pem[field] = readSecretFile(TLS_FLAG[field], path, 'a readable PEM file');
    if (!pem[field].includes('-----BEGIN ')) throw new InvalidConfigError(TLS_FLAG[field], path, 'a PEM file (text with a -----BEGIN ...----- block)');
  }
  try {
    createSecureContext({ cert: pem.certFile, key: pem.keyFile, ca: pem.caFile });
  } catch (e) {
    throw new InvalidConfigError(
      '--tls-cert, --tls-key, --tls-ca',
      [tls.certFile, tls.keyFile, tls.caFile],
      `a certificate, its private key and a CA certificate that fit together (TLS refused them: ${(e as Error).message})`,
      { cause: e },
    );
  }
}

/**
 * Runs steps 1-3 for a multi-worker run (other strategies have no ring secrets) and returns
 * the changes to make to the environment before the strategy starts (undefined: remove).
 * @throws InvalidConfigError naming the flag or variable, the path, and what to do
 */
export function checkClusterSecrets(o: TrainOptions, env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  if (o.strategy !== 'multi-worker') return {};
  checkTokenLength(o, env);
  if (o.tls) checkTls(o.tls);
  if (o.authTokenFile === undefined) return {};
  return { [AUTH_TOKEN_FILE_ENV]: resolve(o.authTokenFile), ...(env[AUTH_TOKEN_ENV] === '' ? { [AUTH_TOKEN_ENV]: undefined } : {}) };
}

/** Applies checkClusterSecrets' changes to `env`. */
export function applyEnvChanges(env: NodeJS.ProcessEnv, changes: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
}
