#!/usr/bin/env node
// The test suite, as `npm test` runs it (and CI, through .ci/run):
//   1. build every package (tsup, through nx: dependency order, ESM + CJS + .d.ts);
//   2. type-check every project (tsc --noEmit, through nx);
//   3. lint, as `npm run lint` does: ESLint (package boundaries through nx's rule, deep
//      imports, cycles, type-only imports) and prettier --check;
//   4. run every project's jest tests, both tiers, in one jest invocation;
//   5. print the total across all packages as the plain line `N passed, N failed, N skipped`
//      (a failed type-check or lint step counts as one failure each).
// One tier only (the tiers are set up in the root jest.config.js):
//   --tier=unit  (`npm run test:unit`): every test but the `*.e2e.test.ts` ones, straight
//                from the sources: no build, no type-check; under a minute on 2 cores;
//   --tier=e2e   (`npm run test:e2e`): build (through nx's cache, so an unchanged package is
//                not rebuilt), then only the `*.e2e.test.ts` suites.
// Both print the same summary line. Extra arguments go to jest (e.g. `npm test -- packages/core`,
// `npm run test:unit -- --watch`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TIERS = ['unit', 'e2e'];
const tierArg = process.argv.slice(2).find((a) => a.startsWith('--tier='));
const jestArgs = process.argv.slice(2).filter((a) => a !== tierArg);
const tier = tierArg?.slice('--tier='.length);
if (tier !== undefined && !TIERS.includes(tier)) {
  console.error(`Unknown ${tierArg}: use --tier=${TIERS.join(' or --tier=')}, or no --tier for every test.`);
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
// The full run builds from scratch; the e2e tier may reuse nx's cached builds.
if (tier === undefined) env.NX_SKIP_NX_CACHE = 'true';
// Read by jest.config.js: one tier, or (unset) both.
if (tier === undefined) delete env.SYNCLINE_TEST_TIER;
else env.SYNCLINE_TEST_TIER = tier;
const bin = (name) => join(root, 'node_modules', '.bin', name);

function step(title, cmd, args) {
  console.log(`\n== ${title}: ${cmd.split('/').pop()} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit' });
  return r.status ?? 1;
}

let failedSteps = 0;
if (tier !== 'unit' && step('build', bin('nx'), ['run-many', '-t', 'build', '--output-style=static']) !== 0) {
  console.error('Build failed; tests were not run.');
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}
const failedStepNames = [];
if (tier === undefined && step('typecheck', bin('nx'), ['run-many', '-t', 'typecheck', '--output-style=static']) !== 0) failedStepNames.push('typecheck');
if (tier === undefined && step('lint', bin('eslint'), ['.']) !== 0) failedStepNames.push('eslint');
if (tier === undefined && step('format', bin('prettier'), ['--check', '.']) !== 0) failedStepNames.push('prettier --check');
failedSteps = failedStepNames.length;

// One results file per tier, so `test:unit` beside a running `test:e2e` leaves its file alone.
const outDir = join(root, '.test-results');
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, tier ? `jest-${tier}.json` : 'jest.json');
rmSync(outFile, { force: true });
const jestCode = step(tier ? `test (${tier} tier)` : 'test', bin('jest'), ['--json', `--outputFile=${outFile}`, ...jestArgs]);

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
if (failedSteps) console.log(`failed steps: ${failedStepNames.join(', ')} (see their output above)`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
