// Test helpers: free TCP ports, and ring ranks as real child processes (tsx).
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';

export async function freePorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Server>((res) => {
          const s = createServer();
          s.listen(0, host, () => res(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export interface RankProcess {
  readonly child: ChildProcess;
  /** Next message matching `pred`. */
  next<T = Record<string, unknown>>(pred: (m: Record<string, unknown>) => boolean): Promise<T>;
}

/** Forks a ring rank with the given createRingCommunicator options (plus extra env). */
export function forkRank(cfg: Record<string, unknown>, env: Record<string, string> = {}, prefix: string[] = []): RankProcess {
  const script = join(__dirname, 'ring-rank-process.ts');
  const child = prefix.length
    ? fork(script, [], {
        execPath: prefix[0],
        execArgv: [...prefix.slice(1), process.execPath, '--import', 'tsx'],
        env: { ...process.env, ...env, SYNCLINE_TEST_RING: JSON.stringify(cfg) },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      })
    : fork(script, [], {
        execArgv: ['--import', 'tsx'],
        env: { ...process.env, ...env, SYNCLINE_TEST_RING: JSON.stringify(cfg) },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
  const inbox: Record<string, unknown>[] = [];
  const waiters: { pred: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }[] = [];
  child.on('message', (m: Record<string, unknown>) => {
    const i = waiters.findIndex((w) => w.pred(m));
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(m);
    else inbox.push(m);
  });
  return {
    child,
    next: <T>(pred: (m: Record<string, unknown>) => boolean) =>
      new Promise<T>((resolve) => {
        const i = inbox.findIndex(pred);
        if (i >= 0) resolve(inbox.splice(i, 1)[0] as T);
        else waiters.push({ pred, resolve: resolve as (m: Record<string, unknown>) => void });
      }),
  };
}

export function killAll(ranks: readonly RankProcess[]): void {
  for (const r of ranks) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
}
