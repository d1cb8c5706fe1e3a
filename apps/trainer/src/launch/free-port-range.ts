/**
 * Finds `count` consecutive free TCP ports on a local address, for `syncline launch`
 * without --base-port (makeTfConfig gives rank r the port basePort + r).
 *
 * 1. Let the OS pick a free port p (listen on port 0).
 * 2. Try to listen on p + 1 .. p + count - 1 as well.
 * 3. If all bind, close them all and return p; else close what bound and retry from 1.
 * The ports are free when checked; a process that takes one before the workers bind it
 * makes that worker fail with EADDRINUSE (rerun, or pass --base-port), as with torchrun.
 */
import { createServer, type Server } from 'node:net';
import { InvalidConfigError, MAX_PORT } from '@syncline/core';

/** How many random starting points to try before giving up. */
export const FREE_PORT_ATTEMPTS = 20;

/**
 * Returns p such that p .. p + count - 1 were all free on `host` (an address of this
 * machine; IPv6 with or without brackets).
 * @throws InvalidConfigError naming --host-ip when the address is not local, or
 *   --base-port when no run of free ports was found.
 */
export async function findFreePortRange(host: string, count: number, attempts = FREE_PORT_ATTEMPTS): Promise<number> {
  const bindHost = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const first = await listen(bindHost, 0).catch((e: NodeJS.ErrnoException) => {
      throw new InvalidConfigError('--host-ip', host, `an address of this machine that workers can listen on (listening failed: ${e.code ?? e.message})`, {
        source: 'syncline launch',
        cause: e,
      });
    });
    const base = (first.address() as { port: number }).port;
    const held: Server[] = [first];
    let ok = base + count - 1 <= MAX_PORT;
    for (let port = base + 1; ok && port < base + count; port++) {
      const server = await listen(bindHost, port).catch(() => undefined);
      if (server === undefined) ok = false;
      else held.push(server);
    }
    await Promise.all(held.map(close));
    if (ok) return base;
  }
  throw new InvalidConfigError(
    '--base-port',
    undefined,
    `a port p such that p .. p + ${count - 1} are free on ${host}: ${attempts} random tries found none; pass --base-port`,
    { source: 'syncline launch' },
  );
}

function listen(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
