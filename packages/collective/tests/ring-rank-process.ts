// A ring rank in its own process, driven by its parent over IPC (fault tests, netns test).
// Config arrives in SYNCLINE_TEST_RING (JSON). Messages: {program} -> {results} | {error};
// {loop: length} runs allReduce(sum) forever, posting {progress: k} after each op.
import { createRingCommunicator } from '../src/ring/ring-communicator';
import { runConformanceProgram, type ConformanceProgram } from '@syncline/core/testing';

interface Msg {
  program?: ConformanceProgram;
  loop?: number;
  close?: boolean;
}
const send = (m: unknown): void => {
  process.send?.(m);
};
const errorOf = (e: unknown): { name: string; message: string; code?: string } =>
  e instanceof Error ? { name: e.name, message: e.message, code: (e as { code?: string }).code } : { name: 'Error', message: String(e) };

async function main(): Promise<void> {
  const cfg = JSON.parse(process.env.SYNCLINE_TEST_RING ?? '{}');
  let comm;
  try {
    comm = await createRingCommunicator(cfg);
  } catch (e) {
    send({ error: errorOf(e), phase: 'rendezvous' });
    process.disconnect?.();
    return;
  }
  send({ ready: true });
  process.on('message', (m: Msg) => {
    if (m.close) {
      void comm.close().then(() => process.disconnect?.());
      return;
    }
    if (m.loop !== undefined) {
      const buf = new Float32Array(m.loop);
      void (async () => {
        for (let k = 0; ; k++) {
          try {
            buf.fill(1);
            await comm.allReduce(buf, 'sum');
            send({ progress: k, value: buf[0] });
          } catch (e) {
            send({ error: errorOf(e) });
            await comm.close();
            process.disconnect?.();
            return;
          }
        }
      })();
      return;
    }
    runConformanceProgram(comm, m.program!).then(
      (results) => send({ results: results.map((r) => Array.from(r)) }),
      (e) => send({ error: errorOf(e) }),
    );
  });
}
void main();
