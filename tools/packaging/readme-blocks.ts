/**
 * The README code blocks the packaging test runs: every fenced block whose language is
 * ts/typescript/js/javascript in the root README and each publishable package's README,
 * read from the markdown at test time so a README that drifts from the code fails.
 * Blocks in any other language (sh, text, jsonc, ...) are prose to this test: use them for
 * snippets that cannot run on one machine (a multi-machine TF_CONFIG example).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Languages whose blocks must be complete programs (run as CommonJS and as ESM). */
export const RUNNABLE_LANGUAGES: readonly string[] = ['ts', 'typescript', 'js', 'javascript'];

/** The publishable packages, by directory (relative to the repository root). */
export const PUBLISHABLE_DIRS: readonly string[] = [
  'packages/core',
  'packages/collective',
  'packages/backend-tfjs',
  'packages/backend-onnx',
  'packages/tpu-bridge',
  'apps/trainer',
];

export interface CodeBlock {
  /** README path relative to the repository root. */
  readonly readme: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The fence's language, lower-cased ('' when none). */
  readonly lang: string;
  readonly code: string;
}

/**
 * Every fenced code block of `markdown` (``` or ~~~ fences, possibly indented, as inside a
 * list item; the fence's indentation is removed from the block's lines).
 * @throws Error when a fence is never closed (the rest of the file would silently vanish)
 */
export function extractCodeBlocks(markdown: string, readme = 'README.md'): CodeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i] ?? '');
    if (!open) continue;
    const [, indent = '', fence = '```', info = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j] ?? '';
      const close = /^(`{3,}|~{3,})\s*$/.exec(l.trim());
      if (close?.[1] && close[1][0] === fence[0] && close[1].length >= fence.length) break;
      body.push(l.startsWith(indent) ? l.slice(indent.length) : l.trimStart());
    }
    if (j >= lines.length) throw new Error(`${readme}:${i + 1}: code fence ${fence}${info} is never closed`);
    blocks.push({ readme, line: i + 1, lang: info.toLowerCase(), code: body.join('\n') + '\n' });
    i = j;
  }
  return blocks;
}

/** The READMEs whose runnable blocks are tested: the root one and each publishable package's. */
export function readmePaths(root: string): string[] {
  return ['README.md', ...PUBLISHABLE_DIRS.map((d) => `${d}/README.md`)].filter((p) => existsSync(join(root, p)));
}

/** The runnable (ts/js) blocks of every tested README. */
export function runnableBlocks(root: string): CodeBlock[] {
  return readmePaths(root).flatMap((p) => extractCodeBlocks(readFileSync(join(root, p), 'utf8'), p).filter((b) => RUNNABLE_LANGUAGES.includes(b.lang)));
}

/** A file-name-safe id for a block: `packages-core-README-md-L12`. */
export function blockId(b: CodeBlock): string {
  return `${b.readme.replace(/[^A-Za-z0-9]+/g, '-')}-L${b.line}`;
}
