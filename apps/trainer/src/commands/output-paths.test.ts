// Output paths fail before training with OutputPathError naming option, path and reason;
// a final export that fails lands beside the checkpoints instead.
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputPathError } from '@syncline/core';
import { checkOutputPaths, writeFinalWeights } from './output-paths';

const root = (): string => mkdtempSync(join(tmpdir(), 'outputs-'));
const asRoot = process.getuid?.() === 0; // root ignores permission bits: those cases use a file in the way instead
if (asRoot)
  console.info('output-paths.test: the EACCES case is skipped: running as root, which ignores permission bits (the other cases put a file in the way instead)');

function failure(f: () => void): OutputPathError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(OutputPathError);
    return e as OutputPathError;
  }
  throw new Error('no error');
}

describe('checkOutputPaths', () => {
  it('creates missing directories, leaves no probe file behind, and checks nothing on a non-writer', () => {
    const r = root();
    checkOutputPaths({ checkpointDir: join(r, 'a/b/ckpt'), logDir: join(r, 'logs'), exportWeights: join(r, 'out/w.safetensors') }, true);
    expect(readdirSync(join(r, 'a/b/ckpt'))).toEqual([]);
    expect(readdirSync(join(r, 'out'))).toEqual([]);
    checkOutputPaths({ checkpointDir: '/proc/nope' }, false);
  });

  it('names the option, the path and the reason: a file where a directory must be (ENOTDIR / EEXIST), a directory as the export file', () => {
    const r = root();
    writeFileSync(join(r, 'file'), 'x');
    const ck = failure(() => checkOutputPaths({ checkpointDir: join(r, 'file/ckpt') }, true));
    expect(ck.message).toMatch(new RegExp(`^--checkpoint-dir ${r}/file/ckpt cannot be written: ENOTDIR`));
    const log = failure(() => checkOutputPaths({ logDir: join(r, 'file') }, true));
    expect(log.message).toMatch(/^--log-dir .*\/file cannot be written: (EEXIST|it is not a directory)/);
    const ex = failure(() => checkOutputPaths({ exportWeights: r }, true));
    expect(ex.message).toMatch(/^--export-weights .* cannot be written: it is a directory; give a file name/);
    expect([ex.code, ex.option, ex.path]).toEqual(['OUTPUT_PATH', '--export-weights', r]);
  });

  (asRoot ? it.skip : it)('reports EACCES for a read-only directory', () => {
    const r = root();
    chmodSync(r, 0o500);
    expect(failure(() => checkOutputPaths({ logDir: r }, true)).message).toMatch(/^--log-dir .* cannot be written: EACCES/);
    chmodSync(r, 0o700);
  });
});

describe('writeFinalWeights', () => {
  it('writes the file, or beside the checkpoints when it cannot, saying where', () => {
    const r = root();
    const bytes = Buffer.from('weights');
    expect(writeFinalWeights(join(r, 'w.safetensors'), bytes, undefined, () => undefined)).toBe(join(r, 'w.safetensors'));
    writeFileSync(join(r, 'file'), 'x');
    const lines: string[] = [];
    const at = writeFinalWeights(join(r, 'file/w.safetensors'), bytes, r, (l) => lines.push(l));
    expect(at).toBe(join(r, `w.safetensors.${process.pid}`));
    expect(readFileSync(at)).toEqual(bytes);
    expect(lines[0]).toMatch(/--export-weights .*file\/w\.safetensors could not be written: ENOTDIR .*written to .*w\.safetensors\.\d+ instead/);
    expect(existsSync(join(r, 'file'))).toBe(true);
  });
});
