/**
 * Proves the lint's boundary rules (eslint.config.mjs) report what they must and that this
 * repository has none of those errors. ESLint runs through its Node API in a child process
 * (lint-probe.mjs: jest cannot load an ES-module config), against:
 * 1. small violating inputs (and a few allowed ones), linted as if they were files inside the
 *    real projects, so @nx/enforce-module-boundaries sees the real project graph, tags and
 *    package.json files;
 * 2. a two-file import cycle written to a temporary folder (import-x/no-cycle reads files);
 * 3. the whole repository.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const PROBE = join(__dirname, 'lint-probe.mjs');
const MARKER = '--- lint-probe results ---';
const BOUNDARY_RULES = ['@nx/enforce-module-boundaries', 'no-restricted-imports', 'import-x/no-cycle'];

interface Message {
  ruleId: string | null;
  line: number;
  message: string;
  fatal: boolean;
}
interface Result {
  file: string;
  messages: Message[];
}

function probe(input: object): Result[] {
  const r = spawnSync(process.execPath, [PROBE], {
    cwd: ROOT,
    input: JSON.stringify(input),
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`lint-probe exited ${r.status}: ${r.stderr}`);
  const at = r.stdout.indexOf(MARKER);
  if (at < 0) throw new Error(`lint-probe printed no results: ${r.stdout}${r.stderr}`);
  // nx's rule prints a warning and skips itself when it has no project graph: that is a failure here.
  expect(r.stdout.slice(0, at)).not.toMatch(/ProjectGraph/);
  return (JSON.parse(r.stdout.slice(at + MARKER.length)) as { results: Result[] }).results;
}

interface Case {
  name: string;
  filePath: string;
  code: string;
  rule: string;
  message: RegExp;
  ignoredCircularDependencies?: string[][];
}

// Each probe file name is new, so no real file's contents are read in its place.
const violations: Case[] = [
  {
    name: 'core importing a plugin (a project cycle: every plugin depends on core)',
    filePath: 'packages/core/src/lint-probe.ts',
    code: "import { createRingCommunicator } from '@syncline/collective';\nexport const x = createRingCommunicator;\n",
    rule: '@nx/enforce-module-boundaries',
    message: /Circular dependency between "@syncline\/core" and "@syncline\/collective"/,
  },
  {
    name: 'core importing a plugin, cycle check set aside: the type:core tag rule alone',
    filePath: 'packages/core/src/lint-probe.ts',
    code: "import { createRingCommunicator } from '@syncline/collective';\nexport const x = createRingCommunicator;\n",
    rule: '@nx/enforce-module-boundaries',
    message: /tagged with "type:core" cannot depend on any libs/,
    ignoredCircularDependencies: [['@syncline/core', '@syncline/collective']],
  },
  {
    name: 'a plugin importing another plugin',
    filePath: 'packages/collective/src/lint-probe.ts',
    code: "import { createOnnxBackend } from '@syncline/backend-onnx';\nexport const x = createOnnxBackend;\n",
    rule: '@nx/enforce-module-boundaries',
    message: /tagged with "type:plugin" can only depend on libs tagged with "type:core"/,
  },
  {
    name: 'a plugin test importing another plugin',
    filePath: 'packages/tpu-bridge/tests/lint-probe.test.ts',
    code: "import { createRingCommunicator } from '@syncline/collective';\nexport const x = createRingCommunicator;\n",
    rule: '@nx/enforce-module-boundaries',
    message: /tagged with "type:plugin" can only depend on libs tagged with "type:core"/,
  },
  {
    name: 'a plugin reaching another package by a relative path',
    filePath: 'packages/backend-onnx/src/lint-probe.ts',
    code: "import { Registry } from '../../core/src/registry/registry';\nexport const x = Registry;\n",
    rule: '@nx/enforce-module-boundaries',
    message: /Projects cannot be imported by a relative or absolute path/,
  },
  {
    name: 'a deep import of core/src',
    filePath: 'packages/backend-onnx/src/lint-probe.ts',
    code: "import { Registry } from '@syncline/core/src/registry/registry';\nexport const x = Registry;\n",
    rule: 'no-restricted-imports',
    message: /'@syncline\/core\/src\/registry\/registry' import is restricted.*public entry/,
  },
  {
    name: 'a deep import of core/src, type-only',
    filePath: 'packages/collective/src/lint-probe.ts',
    code: "import type { Collective } from '@syncline/core/src/contracts/collective';\nexport type X = Collective;\n",
    rule: 'no-restricted-imports',
    message: /'@syncline\/core\/src\/contracts\/collective' import is restricted/,
  },
  {
    name: 'a deep import of a build output',
    filePath: 'apps/trainer/src/lint-probe.ts',
    code: "import { Registry } from '@syncline/core/dist/index.js';\nexport const x = Registry;\n",
    rule: 'no-restricted-imports',
    message: /'@syncline\/core\/dist\/index.js' import is restricted/,
  },
  {
    name: "the app importing a plugin's internal folder",
    filePath: 'apps/trainer/src/lint-probe.ts',
    code: "export { matMul } from '@syncline/backend-tfjs/internal/kernels/mat-mul';\n",
    rule: 'no-restricted-imports',
    message: /internal\/ folder is private/,
  },
  {
    name: 'any other subpath of a package',
    filePath: 'packages/tpu-bridge/src/lint-probe.ts',
    code: "import { Registry } from '@syncline/core/registry';\nexport const x = Registry;\n",
    rule: 'no-restricted-imports',
    message: /Only a package's public entry/,
  },
  {
    name: 'core importing an npm package its package.json does not declare',
    filePath: 'packages/core/src/lint-probe.ts',
    code: "import { Command } from 'commander';\nexport const x = Command;\n",
    rule: '@nx/enforce-module-boundaries',
    message: /Only packages defined in the "package.json" can be imported/,
  },
  {
    name: "core's test suite imported by plugin source (not a test)",
    filePath: 'packages/collective/src/lint-probe.ts',
    code: "import { describeCollectiveConformance } from '@syncline/core/testing';\nexport const x = describeCollectiveConformance;\n",
    rule: 'no-restricted-imports',
    message: /@syncline\/core\/testing is for tests only/,
  },
];

const allowed: Omit<Case, 'rule' | 'message'>[] = [
  {
    name: "a plugin importing core's public entry",
    filePath: 'packages/collective/src/lint-probe.ts',
    code: "import { Registry, type Collective } from '@syncline/core';\nexport const x: Collective | typeof Registry | null = null;\n",
  },
  {
    name: "a plugin test importing core's test suite",
    filePath: 'packages/collective/tests/lint-probe.test.ts',
    code: "import { describeCollectiveConformance } from '@syncline/core/testing';\nexport const x = describeCollectiveConformance;\n",
  },
  {
    name: 'the app importing plugins and core',
    filePath: 'apps/trainer/src/lint-probe.ts',
    code: "import { createOnnxBackend } from '@syncline/backend-onnx';\nimport { Registry } from '@syncline/core';\nexport const x = [createOnnxBackend, Registry];\n",
  },
  {
    name: 'core importing its own dependency zod',
    filePath: 'packages/core/src/lint-probe.ts',
    code: "import { z } from 'zod';\nexport const x = z;\n",
  },
  {
    name: 'collective importing its optional dependency koffi',
    filePath: 'packages/collective/src/lint-probe.ts',
    code: "import koffi from 'koffi';\nexport const x = koffi;\n",
  },
  {
    name: 'tools importing the app',
    filePath: 'tools/bench/lint-probe.ts',
    code: "import { runTrain } from '@syncline/trainer';\nexport const x = runTrain;\n",
  },
];

const boundaryMessages = (r: Result): Message[] => r.messages.filter((m) => m.fatal || BOUNDARY_RULES.includes(m.ruleId ?? ''));

describe('lint boundary rules', () => {
  let results: Result[];
  beforeAll(() => {
    results = probe({ mode: 'text', cases: [...violations, ...allowed] });
    expect(results).toHaveLength(violations.length + allowed.length);
  }, 120_000);

  it.each(violations.map((c, i) => [c.name, i] as const))('report %s', (_name, i) => {
    const c = violations[i]!;
    const got = boundaryMessages(results[i]!);
    // A deep import is also unresolvable (the exports map hides it), which nx reports as well.
    expect(got).toContainEqual(expect.objectContaining({ ruleId: c.rule, message: expect.stringMatching(c.message), line: 1 }));
  });

  it.each(allowed.map((c, i) => [c.name, i] as const))('allow %s', (_name, i) => {
    expect(boundaryMessages(results[violations.length + i]!)).toEqual([]);
  });

  it("report an import cycle among one package's files", () => {
    const cycle = probe({
      mode: 'files',
      files: {
        'a.ts': "import { b } from './b';\nexport const a = () => b;\n",
        'b.ts': "import { c } from './c';\nexport const b = () => c;\n",
        'c.ts': "import { a } from './a';\nexport const c = () => a;\n",
        'd.ts': "import type { a } from './a';\nexport type D = typeof a;\n",
      },
    });
    const byFile = Object.fromEntries(cycle.map((r) => [r.file, boundaryMessages(r).map((m) => m.ruleId)]));
    expect(byFile).toEqual({
      'a.ts': ['import-x/no-cycle'],
      'b.ts': ['import-x/no-cycle'],
      'c.ts': ['import-x/no-cycle'],
      'd.ts': [], // a type-only import is erased, so it closes no cycle at run time
    });
  }, 60_000);

  it('hold in this repository', () => {
    const repo = probe({ mode: 'repo' });
    // the lint must have reached every kind of project, not an empty or mis-ignored file set
    for (const dir of ['packages/core/src/', 'packages/collective/src/', 'apps/trainer/src/', 'tools/scripts/'])
      expect(repo.some((r) => r.file.startsWith(dir))).toBe(true);
    const problems = repo.flatMap((r) => boundaryMessages(r).map((m) => `${r.file}:${m.line} ${m.ruleId ?? 'parse error'}: ${m.message}`));
    expect(problems).toEqual([]);
  }, 180_000);
});
