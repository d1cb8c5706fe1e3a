/**
 * Entry point of one replica: runs in a worker thread (parentPort) or a child process
 * (process.send). Receives `init`, then requests; replies with results or errors.
 * Any uncaught failure is reported as `fatal` and the replica exits non-zero.
 */
import { parentPort } from 'node:worker_threads';
import { ReplicaHost } from './replica-host';
import { serializeError, type InitMessage, type Reply, type Request } from './replica-messages';

type Port = { send(m: Reply): void; on(cb: (m: InitMessage | Request) => void): void };

function port(): Port {
  if (parentPort) {
    const p = parentPort;
    return { send: (m) => p.postMessage(m), on: (cb) => p.on('message', cb) };
  }
  if (process.send) {
    return {
      send: (m) => process.send!(m),
      on: (cb) => process.on('message', (m) => cb(m as InitMessage | Request)),
    };
  }
  throw new Error('replica-worker must run as a worker thread or a forked child process');
}

const io = port();
const host = new ReplicaHost();
let queue: Promise<void> = Promise.resolve();

io.on((msg) => {
  // Requests run strictly in order: collectives inside them are sequence-numbered.
  queue = queue.then(async () => {
    if (msg.type === 'init') {
      try {
        const info = await host.init(msg);
        io.send({ type: 'ready', rank: msg.rank, ...info });
      } catch (e) {
        io.send({ type: 'fatal', error: serializeError(e) });
      }
      return;
    }
    try {
      const value = await host.handle(msg);
      io.send({ type: 'result', id: msg.id, value });
      if (msg.type === 'close') {
        if (parentPort) parentPort.close();
        else process.disconnect?.();
      }
    } catch (e) {
      io.send({ type: 'error', id: msg.id, error: serializeError(e) });
    }
  });
});
