#!/usr/bin/env node
// The whole test suite, as `npm test` runs it:
//   1. build every package (tsup, through nx: dependency order, ESM + CJS + .d.ts);
//   2. type-check every project (tsc --noEmit, through nx);
//   3. run every project's jest tests in one jest invocation (package boundaries are a
//      jest test under tools/, so they run here too);
//   4. print the total across all packages as the plain line `N passed, N failed`.
// Extra arguments go to jest (e.g. `npm test -- packages/core`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: 'true', NX_TUI: 'false' };
const bin = (name) => join(root, 'node_modules', '.bin', name);

function step(title, cmd, args) {
  console.log(`\n== ${title}: ${cmd.split('/').pop()} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit' });
  return r.status ?? 1;
}

let failedSteps = 0;
if (step('build', bin('nx'), ['run-many', '-t', 'build', '--output-style=static']) !== 0) {
  console.error('Build failed; tests were not run.');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
if (step('typecheck', bin('nx'), ['run-many', '-t', 'typecheck', '--output-style=static']) !== 0) failedSteps++;

const outDir = join(root, '.test-results');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, 'jest.json');
const jestCode = step('test', bin('jest'), ['--json', `--outputFile=${outFile}`, ...process.argv.slice(2)]);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(outFile)) {
  const r = JSON.parse(readFileSync(outFile, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
  skipped = r.numPendingTests + r.numTodoTests;
} else {
  failed = 1;
}
failed += failedSteps;
if (jestCode !== 0 && failed === 0) failed = 1;
if (failedSteps) console.log(`typecheck failed (${failedSteps} step)`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
