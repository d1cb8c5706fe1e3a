/**
 * The root README's flag table lists every flag `syncline train --help` prints, and no flag
 * the CLI does not have. Reads the built CLI (npm test and npm run test:e2e build first);
 * the parsers are unit-tested in flag-table.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLAG_TABLE_SECTION, flagsFromHelp, flagsFromReadmeTable } from './flag-table';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'apps', 'trainer', 'dist', 'cli.js');

describe('README flag table', () => {
  it(`in "${FLAG_TABLE_SECTION}" matches \`syncline train --help\``, () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
    const r = spawnSync(process.execPath, [CLI, 'train', '--help'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    const cliFlags = flagsFromHelp(r.stdout);
    console.log(`syncline train --help lists ${cliFlags.length} flags: ${cliFlags.join(' ')}`);
    expect(cliFlags.length).toBeGreaterThan(10);
    const readmeFlags = new Set(flagsFromReadmeTable(readFileSync(join(ROOT, 'README.md'), 'utf8')));
    const missing = cliFlags.filter((f) => !readmeFlags.has(f));
    const unknown = [...readmeFlags].filter((f) => !cliFlags.includes(f));
    expect({ missingFromReadmeTable: missing, notInCli: unknown }).toEqual({ missingFromReadmeTable: [], notInCli: [] });
  });
});
