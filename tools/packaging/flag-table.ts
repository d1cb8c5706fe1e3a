/**
 * The flags of `syncline train`, read two ways: from the CLI's own `--help` text and from
 * the flag table in the root README's "Training from the command line" section, so a test
 * can hold them equal.
 */

/** The README section that holds the flag table. */
export const FLAG_TABLE_SECTION = 'Training from the command line';

const LONG_FLAG = /--[a-z0-9][a-z0-9-]*/g;

/**
 * Long flags listed in commander's help output (the "Options:" block), `--help` excluded.
 * An option line starts with two spaces and a dash; wrapped description lines do not.
 */
export function flagsFromHelp(help: string): string[] {
  const flags: string[] = [];
  let inOptions = false;
  for (const line of help.split(/\r?\n/)) {
    if (/^Options:\s*$/.test(line)) {
      inOptions = true;
      continue;
    }
    if (inOptions && /^\S/.test(line)) inOptions = false; // the next heading ("Commands:", ...)
    if (!inOptions) continue;
    const m = /^ {1,4}(?:-[A-Za-z], )?(--[a-z0-9][a-z0-9-]*)/.exec(line);
    if (m?.[1] && m[1] !== '--help') flags.push(m[1]);
  }
  return flags;
}

/**
 * Long flags named in the first column of the markdown table(s) inside section `heading`
 * (from that `## heading` to the next heading of the same or a higher level).
 * @throws Error when the section or a table in it is missing
 */
export function flagsFromReadmeTable(markdown: string, heading = FLAG_TABLE_SECTION): string[] {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((l) => /^#{1,6}\s/.test(l) && l.replace(/^#+\s*/, '').trim() === heading);
  if (start < 0) throw new Error(`README has no section "${heading}"`);
  const level = /^#+/.exec(lines[start] ?? '')?.[0].length ?? 2;
  const flags: string[] = [];
  let rows = 0;
  for (const line of lines.slice(start + 1)) {
    const h = /^(#+)\s/.exec(line);
    if (h?.[1] && h[1].length <= level) break;
    if (!line.trimStart().startsWith('|')) continue;
    const first = line.trim().split('|')[1] ?? '';
    if (/^\s*:?-{3,}/.test(first)) continue; // the |---| separator row
    rows++;
    for (const f of first.match(LONG_FLAG) ?? []) flags.push(f);
  }
  if (rows === 0) throw new Error(`README section "${heading}" has no flag table`);
  return flags;
}
