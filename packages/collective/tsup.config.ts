import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['cjs', 'esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  outDir: 'dist',
  // an optional native dependency: loaded at run time when installed, never bundled
  external: ['koffi'],
  // __filename in the ESM build (send-buffer.ts requires koffi through createRequire there)
  shims: true,
});
