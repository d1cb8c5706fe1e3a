import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkBoundaries, listProjects } from './boundaries';

describe('package boundaries', () => {
  it('hold in this repository', () => {
    expect(listProjects().length).toBeGreaterThan(0);
    expect(checkBoundaries()).toEqual([]);
  });

  it('catch a core import, a sideways plugin import, a deep import and a cycle', () => {
    const root = mkdtempSync(join(tmpdir(), 'bounds-'));
    const mk = (dir: string, pkg: object, files: Record<string, string>): void => {
      mkdirSync(join(root, dir, 'src'), { recursive: true });
      writeFileSync(join(root, dir, 'package.json'), JSON.stringify(pkg));
      for (const [f, body] of Object.entries(files)) writeFileSync(join(root, dir, 'src', f), body);
    };
    mk('packages/core', { name: '@syncline/core', nx: { tags: ['type:core'] } }, {
      'index.ts': "import { a } from './a';\nimport { x } from '@syncline/collective';\n",
      'a.ts': "import './index';\nexport const a = 1;\n",
    });
    mk('packages/collective', { name: '@syncline/collective', dependencies: { '@syncline/core': '*', '@syncline/backend-tfjs': '*' }, nx: { tags: ['type:plugin'] } }, {
      'index.ts': "import { y } from '@syncline/backend-tfjs';\nimport { z } from '@syncline/core/src/registry';\n",
    });
    const problems = checkBoundaries(root).join('\n');
    expect(problems).toMatch(/core must import no other package/);
    expect(problems).toMatch(/plugins may import only @syncline\/core/);
    expect(problems).toMatch(/deep import "@syncline\/core\/src\/registry"/);
    expect(problems).toMatch(/import cycle/);
    expect(problems).toMatch(/does not declare it/);
  });
});
