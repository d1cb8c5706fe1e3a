/**
 * The version of this copy of @syncline/core, read from its own package.json (found by
 * walking up from this module: the same in the sources, the built bundles and the replica
 * worker), so workers of one cluster can check they run the same Syncline.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = '@syncline/core';
let cached: string | undefined;

/** This package's version, e.g. "0.1.0" ("unknown" if its package.json cannot be found). */
export function synclineVersion(): string {
  if (cached !== undefined) return cached;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === PACKAGE_NAME && pkg.version) return (cached = pkg.version);
    } catch {
      // no package.json here (or not ours): keep walking up
    }
    if (dirname(dir) === dir) return (cached = 'unknown');
  }
}
