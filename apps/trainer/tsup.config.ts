import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { cli: 'src/cli.ts', index: 'src/index.ts' },
    format: ['cjs'],
    dts: { entry: { index: 'src/index.ts' } },
    clean: true,
    sourcemap: true,
    target: 'node20',
    outDir: 'dist',
  },
  {
    // Modules the replicas load by path (communicator providers).
    entry: {
      'plugins/shared-memory-provider': 'src/plugins/shared-memory-provider.ts',
      'plugins/socket-ring-provider': 'src/plugins/socket-ring-provider.ts',
      'plugins/multi-worker-provider': 'src/plugins/multi-worker-provider.ts',
    },
    format: ['cjs'],
    sourcemap: true,
    target: 'node20',
    outDir: 'dist',
  },
]);
