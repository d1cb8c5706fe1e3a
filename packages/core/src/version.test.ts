import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { synclineVersion } from './version';

it("synclineVersion() is this package's own version (what workers compare at rendezvous)", () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
  expect(synclineVersion()).toBe(pkg.version);
  expect(synclineVersion()).toMatch(/^\d+\.\d+\.\d+/);
});
