// A man in the middle for the tamper tests (a child process, in a network namespace):
// forwards one ring connection to `target`, and in the listener-to-dialer direction
// (the DATA direction of the ring link) parses frames (untagged until AUTH_OK, then each
// followed by its tag) and, from DATA op `fromSeq` on: 'flip' flips the sign bit of every
// float of that direction's DATA payloads; 'replay' sends the previous DATA frame again
// after the first frame of that op; 'pass' changes nothing. Config: SYNCLINE_TEST_PROXY
// (JSON {listen, target, mode, fromSeq}); posts {ready} and {tampered: n} over IPC.
import { connect, createServer, type Socket } from 'node:net';
import { FrameType, HEADER_BYTES } from '../src/ring/frame';
import { TAG_BYTES } from '../src/ring/frame-mac';

interface ProxyConfig {
  listen: string;
  target: string;
  mode: 'pass' | 'flip' | 'replay';
  fromSeq: number;
}
const cfg = JSON.parse(process.env.SYNCLINE_TEST_PROXY ?? '{}') as ProxyConfig;
const hostPort = (a: string): [string, number] => [a.slice(0, a.lastIndexOf(':')), Number(a.slice(a.lastIndexOf(':') + 1))];
let tampered = 0;
/** Counts a tampered frame; the first is reported with the time (the tests' clock starts there). */
function note(): void {
  if (++tampered === 1) process.send?.({ tampered: Date.now() });
}

/** Rewrites the listener-to-dialer stream frame by frame. */
function tamperer(out: Socket): (b: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  let tagged = false;
  let previousData: Buffer | undefined;
  return (b) => {
    pending = pending.length ? Buffer.concat([pending, b]) : b;
    for (;;) {
      if (pending.length < HEADER_BYTES) return;
      const type = pending[5]!;
      const seq = pending.readUInt32LE(8);
      const size = pending.readUInt32LE(24);
      const len = HEADER_BYTES + size + (tagged ? TAG_BYTES : 0);
      if (pending.length < len) return;
      const frame = Buffer.from(pending.subarray(0, len));
      pending = pending.subarray(len);
      if (type === FrameType.AuthOk) tagged = true;
      const hit = tagged && type === FrameType.Data && size > 0 && seq >= cfg.fromSeq;
      if (hit && cfg.mode === 'flip') {
        for (let i = HEADER_BYTES + 3; i < HEADER_BYTES + size; i += 4) frame[i]! ^= 0x80;
        note();
      }
      out.write(frame);
      if (hit && cfg.mode === 'replay' && previousData && tampered === 0) {
        out.write(previousData);
        note();
      }
      if (tagged && type === FrameType.Data && size > 0) previousData = frame;
    }
  };
}

const server = createServer((client) => {
  const [host, port] = hostPort(cfg.target);
  const upstream = connect({ host, port, noDelay: true });
  client.setNoDelay(true);
  client.on('data', (b) => upstream.write(b));
  upstream.on('data', cfg.mode === 'pass' ? (b: Buffer) => client.write(b) : tamperer(client));
  const close = (): void => {
    client.destroy();
    upstream.destroy();
  };
  for (const s of [client, upstream]) {
    s.on('error', close);
    s.on('close', close);
  }
});
const [host, port] = hostPort(cfg.listen);
server.listen(port, host, () => process.send?.({ ready: true }));
process.on('disconnect', () => process.exit(0));
