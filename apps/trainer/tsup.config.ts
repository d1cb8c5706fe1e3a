import { defineConfig } from 'tsup';

export default defineConfig({
  // chart-worker runs in a worker thread of its own (src/report/chart-renderer.ts loads it by path).
  entry: { cli: 'src/cli.ts', index: 'src/index.ts', 'chart-worker': 'src/report/chart-worker.ts' },
  format: ['cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
  target: 'node20',
  outDir: 'dist',
});
