/**
 * Secrets and TLS through the built CLI: an unknown `--auth-token=SECRET` is never echoed
 * (by train, nor by launch into its log); a short token is refused across the network before
 * any data loads; `--auth-token-file` authenticates workers started by hand; and
 * `--tls-cert/--tls-key/--tls-ca` through `launch` train over mutual TLS to the same weights
 * as without it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTlsFixture } from '../src/commands/tls-fixtures.test-helper';
import { errorLine, finishOk, killAll, loopbackAddresses, requireBuiltCli, result, spawnCli, tempDir, tfConfig, trainArgs, writeSpec } from './cluster-helpers';

const SECRET = 'do-not-echo-5f3a9c';
const RUN = ['--epochs', '2', '--global-batch', '24', '--virtual-epoch-size', '96', '--seed', '3'];

describe('secrets and TLS from the CLI (built CLI)', () => {
  let spec: string;
  beforeAll(() => {
    requireBuiltCli();
    spec = writeSpec(tempDir('cli-secrets'));
  });
  afterEach(killAll);

  it('train --auth-token=SECRET: the unknown-option error names the option, never the value', async () => {
    const p = spawnCli('train', ['train', `--auth-token=${SECRET}`], {});
    expect((await p.exited).code).toBe(2);
    expect(p.stderr).toContain("error: unknown option '--auth-token' (its value is not shown); never put a secret on the command line");
    expect(p.stderr + p.stdout).not.toContain(SECRET);
  });

  it("launch -- train --auth-token=SECRET: not in the launcher's log either, and the headline shows the redacted error", async () => {
    const p = spawnCli('launch', ['launch', '--workers', '2', '--', 'train', `--auth-token=${SECRET}`], {});
    expect((await p.exited).code).toBe(1);
    expect(p.stderr + p.stdout).not.toContain(SECRET.slice(0, 12));
    const headline = p.stderr
      .split('\n')
      .filter((l) => l.startsWith('syncline: '))
      .pop();
    expect(headline).toMatch(
      /^syncline: WorkerLostError: Lost rank \d \(127\.0\.0\.1:\d+\): worker exited with code 2 \(error: "error: unknown option '--auth-token' \(its value is not shown\)/,
    );
  });

  it('refuses a 5-byte token for a cluster across the network before loading any data', async () => {
    const env = { TF_CONFIG: tfConfig(['10.213.0.1:2222', '10.213.0.2:2222'], 0), SYNCLINE_AUTH_TOKEN: 'short' };
    const p = spawnCli('rank 0', trainArgs(['--strategy', 'multi-worker', '--replicas', '1', '--data', '/nonexistent']), env);
    expect((await p.exited).code).toBe(1);
    expect(p.stderr.trim().split('\n').pop()).toBe(
      'syncline: InvalidConfigError: SYNCLINE_AUTH_TOKEN is "a 5-byte token (not shown)"; expected at least 16 bytes, because the ring ' +
        'crosses the network (not loopback: 10.213.0.1:2222, 10.213.0.2:2222); make one with `openssl rand -hex 32 > syncline.token`',
    );
  });

  it('--auth-token-file authenticates workers started by hand (no token in the environment or on argv)', async () => {
    const dir = tempDir('token-file');
    const tokenFile = join(dir, 'syncline.token');
    writeFileSync(tokenFile, 'a'.repeat(64) + '\n', { mode: 0o600 });
    const addresses = await loopbackAddresses(2);
    const env = { SYNCLINE_AUTH_TOKEN: '', SYNCLINE_AUTH_TOKEN_FILE: '' };
    const procs = addresses.map((_, rank) =>
      spawnCli(`rank ${rank}`, trainArgs(['--strategy', 'multi-worker', '--replicas', '1', '--model', spec, ...RUN, '--auth-token-file', tokenFile]), {
        ...env,
        TF_CONFIG: tfConfig(addresses, rank),
      }),
    );
    const results = await finishOk(procs);
    expect(new Set(results.map((r) => r.weightsSha256)).size).toBe(1);
  }, 60_000);

  it('launch -- train --tls-cert/--tls-key/--tls-ca trains over mutual TLS, to the weights of a run without it', async () => {
    const tls = makeTlsFixture();
    const args = (extra: string[]): string[] => ['launch', '--workers', '2', '--json', '--', ...trainArgs(['--model', spec, ...RUN, ...extra])];
    const withTls = spawnCli('tls', args(['--tls-cert', tls.certFile, '--tls-key', tls.keyFile, '--tls-ca', tls.caFile]), {});
    const plain = spawnCli('plain', args([]), {});
    const [a, b] = await Promise.all([withTls.exited, plain.exited]);
    if (a.code !== 0) throw new Error(`launch with TLS exited ${a.code ?? a.signal}:\n${withTls.stderr.slice(-3000)}`);
    expect(b.code).toBe(0);
    expect(withTls.stderr).toMatch(/^syncline launch: 2 worker\(s\) .*; mutual TLS on the ring$/m);
    expect(withTls.stderr).toContain(`[rank 1] syncline: the ring uses mutual TLS (certificate ${tls.certFile}, CA ${tls.caFile})`);
    expect(result(withTls).weightsSha256).toBe(result(plain).weightsSha256);
  }, 90_000);

  it('the ring really checks certificates: a worker trusting another CA never connects (named error, no training)', async () => {
    const tls = makeTlsFixture();
    const addresses = await loopbackAddresses(2);
    const procs = addresses.map((_, rank) => {
      const ca = rank === 1 ? tls.otherCaFile : tls.caFile;
      // 8 s, not 3: on a loaded machine a rank could start so late that its peer's rendezvous
      // had already timed out, and neither ever reached the TLS handshake to name the certificate.
      const flags = ['--tls-cert', tls.certFile, '--tls-key', tls.keyFile, '--tls-ca', ca, '--timeout-ms', '8000'];
      return spawnCli(`rank ${rank}`, trainArgs(['--strategy', 'multi-worker', '--replicas', '1', '--model', spec, ...RUN, ...flags]), {
        TF_CONFIG: tfConfig(addresses, rank),
        SYNCLINE_AUTH_TOKEN: 'a'.repeat(32),
      });
    });
    const exits = await Promise.all(procs.map((p) => p.exited));
    procs.forEach((p, i) => {
      expect(exits[i]!.code).toBe(1);
      expect(p.stdout).toBe('');
      // The peer that refused sees the TLS handshake cut; on a loaded machine it may instead find the
      // refusing rank already gone, which it names as a rendezvous it could not complete.
      expect(errorLine(p)).toMatch(/certificate|handshake|could not connect to rank/i);
    });
    expect(procs.some((p) => /certificate/i.test(errorLine(p)))).toBe(true);
    console.log(`rank 1 trusting another CA: ${procs.map((p) => errorLine(p).slice(0, 240)).join(' | ')}`);
  }, 60_000);
});
