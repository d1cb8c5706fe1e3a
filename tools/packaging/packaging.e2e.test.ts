/**
 * Syncline as a new user gets it (issue 14): the publishable packages are `npm pack`ed,
 * installed from the tarballs into a fresh project outside the repository, and then
 *   1. every tarball holds dist, README.md and LICENSE, and every file its exports map names;
 *   2. `npx syncline train --help` runs there and lists the README's flags;
 *   3. every ts/js code block of every package README and the root README (parsed from the
 *      markdown now) runs with plain node, once compiled to CommonJS (.cjs) and once to an
 *      ES module (.mjs), and exits 0;
 *      The root README's first example also runs from its TypeScript source under tsx, as a
 *      CommonJS (.cts) and as an ES module (.mts) file;
 *   4. a consumer file importing every package type-checks with strict on and skipLibCheck
 *      off, under moduleResolution node16 and bundler; the README blocks type-check too.
 * It builds nothing: `npm test` and `npm run test:e2e` build first (`npm run build` when run alone).
 * SYNCLINE_PACKAGING_KEEP=1 keeps the temporary project and prints where it is.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { createConsumerProject, packAll, ROOT, run, tail, type PackedPackage } from './consumer-project';
import { flagsFromHelp, flagsFromReadmeTable } from './flag-table';
import { PUBLISHABLE_DIRS, blockId, runnableBlocks, type CodeBlock } from './readme-blocks';

const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const EXAMPLE_TIMEOUT_MS = 180_000;
const blocks = runnableBlocks(ROOT);

let work = '';
let app = '';
let packed: PackedPackage[] = [];

/** Every file path an exports map names (conditions and subpaths flattened; null entries skipped). */
function exportTargets(exp: unknown): string[] {
  if (typeof exp === 'string') return [exp];
  if (exp && typeof exp === 'object') return Object.values(exp).flatMap(exportTargets);
  return [];
}

function compile(block: CodeBlock, format: 'cjs' | 'esm'): string {
  return transformSync(block.code, { loader: 'ts', format, target: 'node20', sourcefile: `${block.readme}:${block.line}` }).code;
}

function tsc(project: string): { status: number | null; out: string } {
  const r = run(process.execPath, [TSC, '-p', project, '--pretty', 'false'], app, 300_000);
  if (r.status !== 0) console.log(`tsc -p ${project}:\n${tail(r, 80)}`);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/**
 * tsc's error lines, preceded by a count per package whose file they are in ("consumer" for
 * ours) and by the third-party modules each @syncline package's declaration files import
 * (how a library's own type errors reach a consumer).
 */
function errorReport(out: string): string[] {
  const errors = out.split('\n').filter((l) => /error TS\d+/.test(l));
  if (errors.length === 0) return [];
  const owner = (l: string): string => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(l)?.[1] ?? 'consumer';
  const counts = new Map<string, number>();
  for (const l of errors) counts.set(owner(l), (counts.get(owner(l)) ?? 0) + 1);
  const imports = packed.map((pkg) => {
    const dts = pkg.files.filter((f) => /\.d\.[cm]?ts$/.test(f)).map((f) => readFileSync(join(app, 'node_modules', pkg.name, f), 'utf8'));
    const mods = new Set(dts.flatMap((t) => [...t.matchAll(/from '((?!node:|@syncline\/|\.)[^']+)'/g)].map((m) => m[1] ?? '')));
    return `${pkg.name} declarations import: ${[...mods].sort().join(', ') || 'nothing third-party'}`;
  });
  return [`errors by package: ${[...counts].map(([p, n]) => `${p} ${n}`).join(', ')}`, ...imports, ...errors];
}

beforeAll(() => {
  const missing = PUBLISHABLE_DIRS.filter((d) => !existsSync(join(ROOT, d, 'dist')));
  if (missing.length) throw new Error(`not built: ${missing.join(', ')} have no dist/; run \`npm run build\` first (npm test does)`);
  work = mkdtempSync(join(tmpdir(), 'syncline-packaging-'));
  app = join(work, 'app');
  packed = packAll(join(work, 'tarballs'));
  createConsumerProject(
    app,
    packed.map((p) => p.filename),
  );
  mkdirSync(join(app, 'examples'));
  console.log(`README blocks to run (${blocks.length}): ${blocks.map((b) => `${b.readme}:${b.line}`).join(', ')}`);
}, 900_000);

afterAll(() => {
  if (process.env['SYNCLINE_PACKAGING_KEEP']) console.log(`kept the consumer project: ${app}`);
  else if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack tarballs', () => {
  it('hold dist, README.md, LICENSE and every file the exports map names, and no sources', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(
      PUBLISHABLE_DIRS.map((d) => (JSON.parse(readFileSync(join(ROOT, d, 'package.json'), 'utf8')) as { name: string }).name).sort(),
    );
    const problems: string[] = [];
    for (const p of packed) {
      const manifest = JSON.parse(readFileSync(join(app, 'node_modules', p.name, 'package.json'), 'utf8')) as {
        exports?: unknown;
        bin?: Record<string, string>;
      };
      const needed = ['package.json', 'README.md', 'LICENSE', ...exportTargets(manifest.exports), ...Object.values(manifest.bin ?? {})];
      for (const f of needed.map((n) => n.replace(/^\.\//, ''))) if (!p.files.includes(f)) problems.push(`${p.name}: ${f} is not in the tarball`);
      for (const f of p.files) if (/^(src|tests)\/|\.test\.[cm]?[jt]s$/.test(f)) problems.push(`${p.name}: ships ${f}`);
    }
    expect(problems).toEqual([]);
  });
});

describe('the syncline CLI in a fresh project', () => {
  it('npx syncline train --help exits 0 and lists every flag of the README table', () => {
    const r = run('npx', ['--no-install', 'syncline', 'train', '--help'], app, 120_000);
    expect({ status: r.status, output: r.status === 0 ? '' : tail(r) }).toEqual({ status: 0, output: '' });
    const flags = flagsFromHelp(r.stdout);
    console.log(`npx syncline train --help: ${flags.join(' ')}`);
    const documented = flagsFromReadmeTable(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(documented.filter((f) => !flags.includes(f))).toEqual([]);
    expect(flags.length).toBeGreaterThan(10);
  });
});

describe('README examples, installed from the tarballs', () => {
  it('exist', () => expect(blocks.length).toBeGreaterThan(0));

  describe.each(blocks.map((b) => [`${b.readme}:${b.line}`, b] as const))('%s', (_where, block) => {
    it.each([
      ['CommonJS', 'cjs', '.cjs'],
      ['an ES module', 'esm', '.mjs'],
    ] as const)(
      'runs as %s',
      (_how, format, ext) => {
        const file = join(app, 'examples', `${blockId(block)}${ext}`);
        writeFileSync(file, compile(block, format));
        const r = run(process.execPath, [file], app, EXAMPLE_TIMEOUT_MS);
        console.log(`${block.readme}:${block.line} (${format}) printed:\n${tail(r, 8)}`);
        expect({ status: r.status, signal: r.signal, output: r.status === 0 ? '' : tail(r, 40) }).toEqual({ status: 0, signal: null, output: '' });
      },
      EXAMPLE_TIMEOUT_MS + 30_000,
    );
  });
});

describe('the root README example under tsx, from its TypeScript source', () => {
  it.each(['.cts', '.mts'])(
    'runs as a %s file',
    (ext) => {
      const block = blocks.find((b) => b.readme === 'README.md');
      if (!block) throw new Error('the root README has no runnable ts block');
      const file = join(app, 'examples', `${blockId(block)}-tsx${ext}`);
      writeFileSync(file, block.code);
      const r = run('npx', ['--no-install', 'tsx', file], app, EXAMPLE_TIMEOUT_MS);
      console.log(`tsx ${file} printed:\n${tail(r, 8)}`);
      expect({ status: r.status, output: r.status === 0 ? '' : tail(r, 40) }).toEqual({ status: 0, output: '' });
    },
    EXAMPLE_TIMEOUT_MS + 30_000,
  );
});

describe('types, from a consumer with strict on and skipLibCheck off', () => {
  const configs = {
    node16: { module: 'node16', moduleResolution: 'node16' },
    bundler: { module: 'preserve', moduleResolution: 'bundler' },
  } as const;

  it.each(Object.keys(configs) as (keyof typeof configs)[])(
    'tsc --noEmit passes under moduleResolution %s',
    (kind) => {
      copyFileSync(join(__dirname, 'fixtures', 'consumer.ts'), join(app, 'consumer.ts'));
      copyFileSync(join(__dirname, 'fixtures', 'consumer.ts'), join(app, 'consumer.mts'));
      const project = `tsconfig.${kind}.json`;
      const compilerOptions = { ...configs[kind], strict: true, target: 'es2022', noEmit: true, skipLibCheck: false };
      writeFileSync(join(app, project), JSON.stringify({ compilerOptions, files: ['consumer.ts', 'consumer.mts'] }, null, 2));
      const r = tsc(project);
      expect(errorReport(r.out)).toEqual([]);
      expect(r.status).toBe(0);
    },
    330_000,
  );

  it('every README block type-checks (strict; libraries are checked above)', () => {
    const dir = join(app, 'examples-ts');
    mkdirSync(dir, { recursive: true });
    const files = blocks.map((b) => {
      writeFileSync(join(dir, `${blockId(b)}.ts`), b.code);
      return `examples-ts/${blockId(b)}.ts`;
    });
    const compilerOptions = { module: 'node16', moduleResolution: 'node16', strict: true, target: 'es2022', noEmit: true, skipLibCheck: true };
    writeFileSync(join(app, 'tsconfig.examples.json'), JSON.stringify({ compilerOptions, files }, null, 2));
    const r = tsc('tsconfig.examples.json');
    expect(r.out.split('\n').filter((l) => /error TS/.test(l))).toEqual([]);
    expect(r.status).toBe(0);
  }, 330_000);
});
