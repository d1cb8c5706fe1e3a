import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { siblingModule } from './sibling-module';

describe('siblingModule', () => {
  it('prefers the .ts source, then the built .js beside the caller, then the bundled dist layout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sibling-'));
    mkdirSync(join(dir, 'strategy'));
    writeFileSync(join(dir, 'strategy', 'w.js'), '');
    expect(siblingModule(dir, 'w', 'strategy', '@x/y')).toBe(join(dir, 'strategy', 'w.js'));
    writeFileSync(join(dir, 'w.js'), '');
    expect(siblingModule(dir, 'w', 'strategy', '@x/y')).toBe(join(dir, 'w.js'));
    writeFileSync(join(dir, 'w.ts'), '');
    expect(siblingModule(dir, 'w', 'strategy', '@x/y')).toBe(join(dir, 'w.ts'));
  });

  it('names the module, the directory and the package to rebuild when it is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sibling-'));
    expect(() => siblingModule(dir, 'gone', 'strategy', '@x/y')).toThrow(/module gone not found next to .*sibling-.*; rebuild @x\/y/);
  });
});
