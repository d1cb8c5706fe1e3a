#!/usr/bin/env node
// Runs ESLint's Node API with the repository's eslint.config.mjs and prints what it reports
// as JSON. lint-boundaries.test.ts drives it: jest's module sandbox cannot load an ES-module
// config (ESLint imports it with import(), which jest allows only under
// --experimental-vm-modules), so the lint runs in this plain Node child process.
//
// Input (stdin, JSON), one of:
//   { "mode": "text", "cases": [{ "filePath": "packages/core/src/x.ts", "code": "...",
//       "ignoredCircularDependencies": [["@syncline/core", "@syncline/collective"]] }] }
//     lints each code as if it were that (usually nonexistent) file, with the real config;
//     ignoredCircularDependencies, when given, is passed to @nx/enforce-module-boundaries
//     (so a tag rule can be shown apart from the cycle check that would report first);
//   { "mode": "files", "files": { "a.ts": "...", "b.ts": "..." } }
//     writes the files to a fresh temporary folder and lints them there (rules that read
//     other files, like import-x/no-cycle, need them on disk);
//   { "mode": "repo" }  lints the whole repository.
// Output (stdout): a line "--- lint-probe results ---", then JSON
//   { "results": [{ "file", "messages": [{ "ruleId", "line", "message", "fatal" }] }] }.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CONFIG = join(ROOT, 'eslint.config.mjs');
const MARKER = '--- lint-probe results ---';

const brief = (results, base) =>
  results.map((r) => ({
    file: relative(base, r.filePath),
    messages: r.messages.map((m) => ({ ruleId: m.ruleId, line: m.line, message: m.message, fatal: !!m.fatal })),
  }));

async function lintText(cases) {
  const { nxBoundaryOptions } = await import(CONFIG);
  const out = [];
  for (const c of cases) {
    const overrideConfig = c.ignoredCircularDependencies
      ? [{ rules: { '@nx/enforce-module-boundaries': ['error', { ...nxBoundaryOptions, ignoredCircularDependencies: c.ignoredCircularDependencies }] } }]
      : [];
    const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: CONFIG, overrideConfig });
    const filePath = join(ROOT, c.filePath);
    if (await eslint.isPathIgnored(filePath)) throw new Error(`${c.filePath} is ignored by the lint config; pick a linted path`);
    out.push(...brief(await eslint.lintText(c.code, { filePath }), ROOT));
  }
  return out;
}

async function lintFiles(files) {
  const dir = mkdtempSync(join(tmpdir(), 'lint-probe-'));
  try {
    for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: CONFIG });
    return brief(await eslint.lintFiles(Object.keys(files)), dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function lintRepo() {
  const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: CONFIG });
  return brief(await eslint.lintFiles(['.']), ROOT);
}

const input = JSON.parse(readFileSync(0, 'utf8'));
const modes = { text: () => lintText(input.cases), files: () => lintFiles(input.files), repo: () => lintRepo() };
if (!Object.hasOwn(modes, input.mode)) throw new Error(`unknown mode ${JSON.stringify(input.mode)}: use text, files or repo`);
const results = await modes[input.mode]();
// Anything a rule prints (nx warns on stdout when it has no project graph) comes before the marker.
process.stdout.write(`\n${MARKER}\n${JSON.stringify({ results })}`);
