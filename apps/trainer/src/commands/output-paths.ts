/**
 * Output paths are proven writable before a run reads any data: --checkpoint-dir and
 * --log-dir are created and a probe file is written, fsynced and removed in each;
 * --export-weights gets its directory created and a probe written beside it. A path that
 * fails is an OutputPathError naming the option, the path and the system's reason, so
 * a typo or a permission costs seconds, not a whole run.
 * At the end, a final export that still fails (disk full, the directory removed meanwhile)
 * writes the weights beside the checkpoints instead (or into the temp directory), so a
 * finished run's weights are never lost; the log names where they went.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { OutputPathError } from '@syncline/core';

/** The output options of `syncline train`, and whether this process writes them (the chief). */
export interface OutputPaths {
  readonly checkpointDir?: string | undefined;
  readonly logDir?: string | undefined;
  readonly exportWeights?: string | undefined;
  readonly exportTfjs?: string | undefined;
  readonly exportOnnx?: string | undefined;
}

const reasonOf = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code} (${err.message.replace(/^[A-Z]+: /, '')})` : String(err?.message ?? e);
};

/** Writes, fsyncs and removes a small file named `probe` in `dir`; throws what the system said. */
function probe(dir: string, name: string): void {
  const path = join(dir, name);
  const fd = openSync(path, 'wx');
  try {
    writeSync(fd, Buffer.from('syncline write test\n'));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
    unlinkSync(path);
  }
}

function checkDir(option: string, dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw new Error('it is not a directory');
    probe(dir, `.syncline-write-test-${process.pid}`);
  } catch (e) {
    throw new OutputPathError(option, dir, reasonOf(e), { cause: e });
  }
}

function checkFile(option: string, file: string): void {
  try {
    if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) throw new Error('it is a directory; give a file name such as weights.safetensors');
    const dir = dirname(resolve(file));
    mkdirSync(dir, { recursive: true });
    probe(dir, `.${basename(file)}.syncline-write-test-${process.pid}`);
  } catch (e) {
    throw new OutputPathError(option, file, reasonOf(e), { cause: e });
  }
}

/**
 * Proves every output path of this process writable (only the chief writes outputs; other
 * workers check nothing). Throws OutputPathError for the first one that is not.
 */
export function checkOutputPaths(o: OutputPaths, writes: boolean): void {
  if (!writes) return;
  if (o.checkpointDir) checkDir('--checkpoint-dir', o.checkpointDir);
  if (o.logDir) checkDir('--log-dir', o.logDir);
  if (o.exportWeights) checkFile('--export-weights', o.exportWeights);
  if (o.exportTfjs) checkDir('--export-tfjs', o.exportTfjs);
  if (o.exportOnnx) checkFile('--export-onnx', o.exportOnnx);
}

/**
 * Writes the final weights to `file`; when that fails, beside the checkpoints (else in the
 * temp directory) and says so. Returns the path written. Throws OutputPathError only when
 * no place could take them.
 */
export function writeFinalWeights(file: string, bytes: Uint8Array, checkpointDir: string | undefined, log: (line: string) => void): string {
  try {
    writeFileSync(file, bytes);
    return file;
  } catch (first) {
    const name = `${basename(file) || 'weights.safetensors'}.${process.pid}`;
    for (const dir of [checkpointDir, tmpdir()]) {
      if (!dir) continue;
      const rescue = join(dir, name);
      try {
        writeFileSync(rescue, bytes);
        log(`warning: --export-weights ${file} could not be written: ${reasonOf(first)}; the trained weights were written to ${rescue} instead`);
        return rescue;
      } catch {
        // next place
      }
    }
    throw new OutputPathError('--export-weights', file, `${reasonOf(first)}, and neither the checkpoint directory nor ${tmpdir()} could take them`, {
      cause: first,
    });
  }
}
