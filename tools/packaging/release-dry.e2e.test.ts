/**
 * `npm run release:dry` (nx release --dry-run --skip-publish) succeeds on a clean checkout
 * with no tags, as on the first release, and changes nothing: no file, no tag, no commit.
 * Runs in a tag-less clone of HEAD (the repository's node_modules linked in), so neither
 * the working tree's uncommitted edits nor existing tags affect it. A second run with an
 * explicit `patch` bump checks what a release would write: the same version in all six
 * manifests and a CHANGELOG.md per package.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consumerEnv, ROOT, run, tail } from './consumer-project';
import { PUBLISHABLE_DIRS } from './readme-blocks';

const NX_ENV = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_SKIP_NX_CACHE: 'true', CI: 'true' };

let work = '';
let clone = '';
const git = (...args: string[]): string => execFileSync('git', args, { cwd: clone, encoding: 'utf8' }).trim();

/** What a run may not change: HEAD, tags, and the work tree (git status). */
function state(): string {
  return JSON.stringify({ head: git('rev-parse', 'HEAD'), tags: git('tag', '--list'), status: git('status', '--porcelain', '--untracked-files=all') });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'syncline-release-'));
  clone = join(work, 'repo');
  execFileSync('git', ['clone', '--quiet', '--no-tags', ROOT, clone]);
  symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
  expect(git('tag', '--list')).toBe('');
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('nx release, dry run', () => {
  it('npm run release:dry succeeds with no tags and changes nothing', () => {
    const before = state();
    const r = run('npm', ['run', 'release:dry'], clone, 300_000, consumerEnv(NX_ENV));
    console.log(tail(r, 40));
    expect({ status: r.status, output: r.status === 0 ? '' : tail(r, 60) }).toEqual({ status: 0, output: '' });
    expect(`${r.stdout}${r.stderr}`).toMatch(/dryRun" flag means no changes were made/);
    expect(state()).toBe(before);
  }, 330_000);

  it('a patch release would bump all six packages together and write a changelog for each', () => {
    const before = state();
    const r = run(join(clone, 'node_modules', '.bin', 'nx'), ['release', 'patch', '--dry-run', '--skip-publish'], clone, 300_000, consumerEnv(NX_ENV));
    const out = `${r.stdout}${r.stderr}`;
    expect({ status: r.status, output: r.status === 0 ? '' : tail(r, 60) }).toEqual({ status: 0, output: '' });
    const versions = [...out.matchAll(/New version (\S+) written to manifest: (\S+)/g)].map((m) => `${m[2]} ${m[1]}`);
    console.log(`nx release patch --dry-run would write:\n${versions.join('\n')}`);
    expect(versions.map((v) => v.split(' ')[0]).sort()).toEqual(PUBLISHABLE_DIRS.map((d) => `${d}/package.json`).sort());
    expect(new Set(versions.map((v) => v.split(' ')[1])).size).toBe(1);
    for (const d of PUBLISHABLE_DIRS) expect(out).toContain(`${d}/CHANGELOG.md`);
    expect(state()).toBe(before);
  }, 330_000);
});
