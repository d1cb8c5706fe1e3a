#!/usr/bin/env node
// Cuts the committed Fashion-MNIST test sample (test-data/fashion-mnist-sample/) from the
// full IDX files of Debian's dataset-fashion-mnist: the first TRAIN examples of the train
// split and the first TEST of the test split, same file names, gzipped IDX.
// Usage: node tools/scripts/make-fashion-mnist-sample.mjs [srcDir] [outDir] [train] [test]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [src = '/usr/share/datasets/fashion-mnist', out = join(root, 'test-data', 'fashion-mnist-sample'), train = '2000', test = '500'] = process.argv.slice(2);

function cut(name, count) {
  const raw = gunzipSync(readFileSync(join(src, name)));
  const ndims = raw[3];
  const header = Buffer.from(raw.subarray(0, 4 + 4 * ndims));
  const total = header.readUInt32BE(4);
  if (count > total) throw new Error(`${name} has only ${total} examples, asked for ${count}`);
  let perExample = 1;
  for (let d = 1; d < ndims; d++) perExample *= header.readUInt32BE(4 + 4 * d);
  header.writeUInt32BE(count, 4);
  const body = raw.subarray(header.length, header.length + count * perExample);
  writeFileSync(join(out, name), gzipSync(Buffer.concat([header, body]), { level: 9 }));
  console.log(`${name}: ${count} of ${total} examples`);
}

mkdirSync(out, { recursive: true });
cut('train-images-idx3-ubyte.gz', Number(train));
cut('train-labels-idx1-ubyte.gz', Number(train));
cut('t10k-images-idx3-ubyte.gz', Number(test));
cut('t10k-labels-idx1-ubyte.gz', Number(test));
