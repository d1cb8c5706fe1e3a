/**
 * Package-boundary check, run as a jest test in `npm test`:
 * 1. every workspace project declares exactly one tag: type:core, type:plugin or type:app;
 * 2. type:core imports no @syncline package; type:plugin imports only @syncline/core's
 *    public entries ("." and, in tests, "./testing"); only type:app composes plugins;
 * 3. no deep imports (@syncline/x/src, /dist, /internal) and no relative import that
 *    leaves its package;
 * 4. no import cycles among a package's own files;
 * 5. every @syncline import is declared in the importer's package.json.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

export interface Project {
  name: string;
  dir: string;
  tag: string;
  declared: Set<string>;
}

export const ROOT = resolve(__dirname, '..', '..');

export function listProjects(root = ROOT): Project[] {
  const out: Project[] = [];
  for (const group of ['packages', 'apps']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) {
      const pj = join(base, name, 'package.json');
      if (!existsSync(pj)) continue;
      const json = JSON.parse(readFileSync(pj, 'utf8'));
      const tags: string[] = json.nx?.tags ?? [];
      const declared = new Set<string>([
        ...Object.keys(json.dependencies ?? {}),
        ...Object.keys(json.peerDependencies ?? {}),
        ...Object.keys(json.devDependencies ?? {}),
        ...Object.keys(json.optionalDependencies ?? {}),
      ]);
      out.push({ name: json.name, dir: join(base, name), tag: tags.find((t) => t.startsWith('type:')) ?? '', declared });
    }
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      if (e === 'node_modules' || e === 'dist') continue;
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|mts|cts)$/.test(e) && !e.endsWith('.d.ts')) out.push(p);
    }
  };
  for (const sub of ['src', 'tests']) if (existsSync(join(dir, sub))) walk(join(dir, sub));
  return out;
}

export function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

function resolveRelative(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  for (const c of [base, `${base}.ts`, join(base, 'index.ts')]) if (existsSync(c) && statSync(c).isFile()) return c;
  return undefined;
}

const isTest = (f: string): boolean => /\.test\.ts$/.test(f) || f.includes(`${join('/', 'tests', '/')}`);

export function checkBoundaries(root = ROOT): string[] {
  const problems: string[] = [];
  const projects = listProjects(root);
  for (const p of projects) {
    if (!['type:core', 'type:plugin', 'type:app'].includes(p.tag)) {
      problems.push(`${p.name}: package.json nx.tags needs one of type:core, type:plugin, type:app`);
      continue;
    }
    const files = sourceFiles(p.dir);
    const graph = new Map<string, string[]>();
    for (const f of files) {
      const rel = relative(root, f);
      const edges: string[] = [];
      for (const spec of importsOf(f)) {
        if (spec.startsWith('.')) {
          const target = resolveRelative(f, spec);
          if (!target) continue;
          if (!target.startsWith(p.dir + '/')) problems.push(`${rel}: relative import "${spec}" leaves ${p.name}`);
          else if (!isTest(f) && !isTest(target)) edges.push(target);
          continue;
        }
        const m = /^(@syncline\/[^/]+)(\/.*)?$/.exec(spec);
        if (!m) continue;
        const [, pkg, sub = ''] = m;
        if (pkg === p.name) {
          // Tests may exercise their own package through its public entry; sources may not.
          if (!isTest(f)) problems.push(`${rel}: imports its own package "${spec}"; use a relative import`);
          else if (sub && sub !== '/testing') problems.push(`${rel}: deep import "${spec}"; import only the package's public entry`);
          continue;
        }
        if (/^\/(src|dist|internal)(\/|$)/.test(sub) || (sub && sub !== '/testing')) {
          problems.push(`${rel}: deep import "${spec}"; import only the package's public entry`);
          continue;
        }
        if (sub === '/testing' && !isTest(f)) problems.push(`${rel}: "${spec}" may be imported only by tests`);
        if (!p.declared.has(pkg!)) problems.push(`${rel}: imports ${pkg} but ${p.name}'s package.json does not declare it`);
        if (p.tag === 'type:core') problems.push(`${rel}: core must import no other package, found "${spec}"`);
        if (p.tag === 'type:plugin' && pkg !== '@syncline/core')
          problems.push(`${rel}: plugins may import only @syncline/core, found "${spec}"`);
      }
      graph.set(f, edges);
    }
    for (const cycle of findCycles(graph)) problems.push(`${p.name}: import cycle ${cycle.map((c) => relative(root, c)).join(' -> ')}`);
  }
  return problems;
}

function findCycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (n: string): void => {
    state.set(n, 1);
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      const s = state.get(m);
      if (s === 1) cycles.push([...stack.slice(stack.indexOf(m)), m]);
      else if (s === undefined) visit(m);
    }
    stack.pop();
    state.set(n, 2);
  };
  for (const n of graph.keys()) if (!state.has(n)) visit(n);
  return cycles;
}
