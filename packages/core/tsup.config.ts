import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
    format: ['cjs', 'esm'],
    dts: true,
    clean: true,
    sourcemap: true,
    shims: true,
    target: 'node20',
    outDir: 'dist',
  },
  {
    // The replica entry MirroredStrategy starts in each worker thread / child process.
    // ...and the reader thread a StreamSource's dataset starts (data/sources/stream-reader.ts).
    entry: { 'internal/replica/replica-worker': 'src/internal/replica/replica-worker.ts', 'data/sources/stream-worker': 'src/data/sources/stream-worker.ts' },
    format: ['cjs'],
    sourcemap: true,
    target: 'node20',
    outDir: 'dist',
  },
]);
