/**
 * One timed read of streamed files by Syncline, run as its own process (pinned to one core
 * by formats.ts): open the source (count, type), then full passes through the reader thread
 * and the pipeline into float32 batches. Prints one JSON line: openMs, passMs[], examples.
 * Usage: tsx format-run.ts <format> <path|glob> [passes]
 */
import { distributeDataset, openStreamSource, type StreamFormat } from '@syncline/core';

const BATCH = 256;

async function main(): Promise<void> {
  const [format, pattern, passes = '2'] = process.argv.slice(2);
  const t0 = performance.now();
  const src = await openStreamSource(pattern!, { format: format as StreamFormat, shuffleBuffer: 1 });
  const openMs = performance.now() - t0;
  const ds = distributeDataset(src, { globalBatchSize: BATCH, shuffle: false });
  const passMs: number[] = [];
  let sink = 0;
  for (let e = 0; e < Number(passes); e++) {
    const t = performance.now();
    for (const step of ds.epoch(e)) sink += step[0]!.y[0]! + step[0]!.x[step[0]!.x.length - 1]!;
    passMs.push(performance.now() - t);
  }
  console.log(JSON.stringify({ openMs, passMs, examples: src.size, sink }));
  process.exit(0);
}

void main();
