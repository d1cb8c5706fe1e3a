/** The two flag readers the README flag-table check compares (no build needed). */
import { flagsFromHelp, flagsFromReadmeTable } from './flag-table';

describe('flagsFromHelp', () => {
  it('reads long flags of the Options block, skipping --help and wrapped description lines', () => {
    const help = [
      'Usage: syncline train [options]',
      '',
      'Options:',
      '  --strategy <name>  a',
      '                     wrapped --not-a-flag',
      '  --json             b',
      '  -h, --help         c',
      '',
      'Commands:',
      '  --not-an-option',
    ].join('\n');
    expect(flagsFromHelp(help)).toEqual(['--strategy', '--json']);
  });
});

describe('flagsFromReadmeTable', () => {
  const md = [
    '# Title',
    '## Training from the command line',
    '',
    '| flag | meaning |',
    '| --- | --- |',
    '| `--a x\\|y` | uses `--c` |',
    '| `--b`, `--d` | z |',
    '### A subsection still counts',
    '| `--f` | w |',
    '',
    '## Next',
    '| `--e` | no |',
  ].join('\n');

  it('reads the first column of the section, to the next heading of its level', () => {
    expect(flagsFromReadmeTable(md)).toEqual(['--a', '--b', '--d', '--f']);
  });

  it('names a missing section or table', () => {
    expect(() => flagsFromReadmeTable('# Other\n')).toThrow(/no section "Training from the command line"/);
    expect(() => flagsFromReadmeTable('## Training from the command line\ntext\n')).toThrow(/has no flag table/);
  });
});
