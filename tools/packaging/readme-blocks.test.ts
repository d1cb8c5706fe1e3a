/** Code-block extraction for the README examples check (no build needed). */
import { extractCodeBlocks, RUNNABLE_LANGUAGES, runnableBlocks } from './readme-blocks';
import { join } from 'node:path';

describe('extractCodeBlocks', () => {
  it('finds fenced blocks with their language and line, indented ones included', () => {
    const md = ['intro', '```ts', 'const a = 1;', '```', '', '- item', '  ```sh', '  npm test', '  ```', '~~~js', 'x()', '~~~'].join('\n');
    expect(extractCodeBlocks(md, 'R.md')).toEqual([
      { readme: 'R.md', line: 2, lang: 'ts', code: 'const a = 1;\n' },
      { readme: 'R.md', line: 7, lang: 'sh', code: 'npm test\n' },
      { readme: 'R.md', line: 10, lang: 'js', code: 'x()\n' },
    ]);
  });

  it('keeps a shorter fence inside a longer one', () => {
    const md = ['````md', '```ts', 'inner', '```', '````'].join('\n');
    expect(extractCodeBlocks(md)).toEqual([{ readme: 'README.md', line: 1, lang: 'md', code: '```ts\ninner\n```\n' }]);
  });

  it('refuses a fence that is never closed', () => {
    expect(() => extractCodeBlocks('```ts\nconst a = 1;\n', 'R.md')).toThrow(/R\.md:1: code fence ```ts is never closed/);
  });
});

describe('runnableBlocks', () => {
  it('takes only ts/js blocks from the root and package READMEs', () => {
    const blocks = runnableBlocks(join(__dirname, '..', '..'));
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.every((b) => RUNNABLE_LANGUAGES.includes(b.lang))).toBe(true);
    expect(new Set(blocks.map((b) => b.readme))).toContain('README.md');
  });
});
