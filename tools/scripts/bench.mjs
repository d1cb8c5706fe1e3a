#!/usr/bin/env node
// `npm run bench -- <name> [flags]`: builds the packages (nx, cached) and runs
// tools/bench/<name>/main.ts with tsx against the built packages. With --json the
// benchmark's last printed line is one JSON object holding its figures and baselines.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [name, ...rest] = process.argv.slice(2);
const benches = readdirSync(join(root, 'tools', 'bench')).filter((d) => existsSync(join(root, 'tools', 'bench', d, 'main.ts')));
if (!name || !benches.includes(name)) {
  console.error(`usage: npm run bench -- <name> [flags]; benchmarks: ${benches.join(', ') || 'none'}`);
  process.exit(2);
}
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
const build = spawnSync(join(root, 'node_modules', '.bin', 'nx'), ['run-many', '-t', 'build', '--output-style=static'], {
  cwd: root,
  env,
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (build.status !== 0) {
  console.error('build failed; run `npm run build` to see why');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'tools', 'bench', name, 'main.ts'), ...rest], {
  cwd: root,
  env,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
