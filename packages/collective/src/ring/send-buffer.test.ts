import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidConfigError } from '@syncline/core';
import { loadSetsockopt, setSendBuffer, socketFd, SO_SNDBUF, SOL_SOCKET } from './send-buffer';
import type * as SendBufferModule from './send-buffer';
import type * as RingCommunicatorModule from './ring-communicator';
import { resolveRingOptions } from './ring-options';
import { parseRingAddress } from './address';

const linux = process.platform === 'linux';

/** A connected TCP pair on loopback. */
async function pair(): Promise<{ server: Server; client: Socket; accepted: Socket }> {
  let accepted!: Socket;
  const server = createServer((s) => {
    accepted = s;
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const client = connect((server.address() as { port: number }).port, '127.0.0.1');
  await new Promise<void>((res) => client.once('connect', res));
  while (!accepted) await new Promise((r) => setImmediate(r));
  return { server, client, accepted };
}

/** SO_SNDBUF as the kernel reports it (getsockopt through koffi). */
function readSendBuffer(socket: Socket): number {
  const koffi = require('koffi') as { load(p: string): { func(sig: string): (fd: number, l: number, n: number, v: number[], len: number[]) => number } };
  const getsockopt = koffi.load('libc.so.6').func('int getsockopt(int, int, int, _Out_ int *, _Inout_ uint32 *)');
  const v = [0];
  expect(getsockopt(socketFd(socket)!, SOL_SOCKET, SO_SNDBUF, v, [4])).toBe(0);
  return v[0]!;
}

if (!linux) console.log(`skipping setSendBuffer on a real socket: SO_SNDBUF is set through Linux's setsockopt, and this system is ${process.platform}`);
(linux ? describe : describe.skip)('setSendBuffer (Linux)', () => {
  it('sets SO_SNDBUF on a real socket: the kernel reports twice the value, as Linux does', async () => {
    expect(typeof loadSetsockopt()).toBe('object');
    const { server, client, accepted } = await pair();
    try {
      const before = readSendBuffer(accepted);
      expect(setSendBuffer(accepted, 96 << 10)).toBeUndefined();
      expect(readSendBuffer(accepted)).toBe(2 * (96 << 10));
      expect(before).not.toBe(2 * (96 << 10));
      // data still flows through the bounded buffer
      const got: Buffer[] = [];
      client.on('data', (b: Buffer) => got.push(b));
      const payload = Buffer.alloc(1 << 20, 7);
      await new Promise<void>((res) => accepted.write(payload, () => res()));
      while (got.reduce((a, b) => a + b.length, 0) < payload.length) await new Promise((r) => setTimeout(r, 5));
      expect(Buffer.concat(got).equals(payload)).toBe(true);
    } finally {
      client.destroy();
      accepted.destroy();
      server.close();
    }
  });

  it('says why when the socket has no descriptor', async () => {
    const { server, client, accepted } = await pair();
    accepted.destroy();
    client.destroy();
    server.close();
    await new Promise((r) => setImmediate(r));
    expect(setSendBuffer(accepted, 65536)).toMatch(/no file descriptor/);
  });
});

describe('sendBufferBytes option', () => {
  const addresses = ['127.0.0.1:1', '127.0.0.1:2'];
  const resolve = (sendBufferBytes?: number) => resolveRingOptions({ rank: 0, addresses, sendBufferBytes }, addresses.map(parseRingAddress));
  it.each([-1, 1.5, 2 ** 30, Number.NaN, '65536' as unknown as number])('refuses %p naming the option', (v) => {
    expect(() => resolve(v)).toThrow(InvalidConfigError);
    expect(() => resolve(v)).toThrow(/sendBufferBytes/);
  });
  it("defaults to 256 KiB; 0 keeps the kernel's autotuning", () => {
    expect(resolve().sendBufferBytes).toBe(256 << 10);
    expect(resolve(0).sendBufferBytes).toBe(0);
  });
});

describe('without koffi', () => {
  afterEach(() => jest.dontMock('koffi'));
  it('an explicit sendBufferBytes is refused before any connection, naming koffi; the default falls back', async () => {
    jest.resetModules();
    jest.doMock('koffi', () => {
      throw new Error("Cannot find module 'koffi'");
    });
    const { createRingCommunicator } = require('./ring-communicator') as typeof RingCommunicatorModule;
    const { loadSetsockopt: load } = require('./send-buffer') as typeof SendBufferModule;
    if (linux) expect(load()).toMatch(/optional dependency koffi could not be loaded.*npm install koffi/);
    // nothing listens on these ports: a rendezvous would retry for 60 s (past jest's timeout)
    // and end in CollectiveTimeoutError, so an InvalidConfigError here came before it
    const addresses = ['127.0.0.1:9', '127.0.0.1:10'];
    const err = await createRingCommunicator({ rank: 0, addresses, insecure: true, sendBufferBytes: 1 << 20, timeoutMs: 60_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('InvalidConfigError');
    expect((err as Error).message).toMatch(
      /sendBufferBytes is 1048576; expected 0 \(the kernel's autotuning\), since (the optional dependency koffi could not be loaded|it is set with Linux's setsockopt)/,
    );
    // the default cannot be applied either: the ring runs with the kernel's autotuned buffers
    const dir = mkdtempSync(join(tmpdir(), 'syncline-sndbuf-'));
    try {
      const unix = [0, 1].map((r) => join(dir, `r${r}.sock`));
      const comms = await Promise.all(unix.map((_, rank) => createRingCommunicator({ rank, addresses: unix, insecure: true, timeoutMs: 20_000 })));
      const bufs = comms.map((c) => new Float32Array(300_001).fill(c.rank + 1));
      await Promise.all(comms.map((c, i) => c.allReduce(bufs[i]!, 'sum')));
      for (const b of bufs) expect(b.every((v) => v === 3)).toBe(true);
      await Promise.all(comms.map((c) => c.close()));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
