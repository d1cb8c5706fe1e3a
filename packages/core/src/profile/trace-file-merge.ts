/**
 * mergeTraces for files on disk, one worker's trace in memory at a time, the merged file
 * streamed out (TraceWriter): the chief merges what every worker wrote.
 * 1. Read the reference (the first file, the chief's) and each other file once: its clock
 *    offset (clockOffsetUs) and its earliest time on the reference's base.
 * 2. Move the base back by whole ms if some worker started before the chief.
 * 3. Read each file again and write its events shifted.
 * A file larger than MAX_MERGE_FILE_BYTES is refused (JSON.parse needs it as one string).
 */
import { readFileSync, statSync } from 'node:fs';
import { InvalidConfigError } from '../errors/invalid-config-error';
import type { TraceFile } from './trace-events';
import { clockOffsetUs } from './trace-merge';
import { TraceWriter } from './trace-writer';

/** Largest trace file merged (well under V8's ~512 MiB string limit). */
export const MAX_MERGE_FILE_BYTES = 400 * 1024 * 1024;

const baseUs = (t: TraceFile): number => Number(t.otherData['epochBaseMs'] ?? 0) * 1000;
const round = (us: number): number => Math.round(us * 1e3) / 1e3;

function read(file: string): TraceFile {
  const size = statSync(file).size;
  if (size > MAX_MERGE_FILE_BYTES) {
    throw new InvalidConfigError(`trace file ${file}`, `${size} bytes`, `at most ${MAX_MERGE_FILE_BYTES} bytes to merge; open the per-worker files one by one`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as TraceFile;
}

/** Merges `files` (the chief's first) into `out` on the chief's clock; returns the merged file's bytes. */
export function mergeTraceFiles(files: readonly string[], out: string): number {
  const [refFile, ...others] = files;
  if (refFile === undefined) throw new InvalidConfigError('trace files', 0, 'at least one trace file to merge');
  const reference = read(refFile);
  const shifts = new Map<string, number>([[refFile, 0]]);
  const offsets: Record<string, number> = { [String(reference.otherData['worker'] ?? 0)]: 0 };
  let earliest = 0;
  for (const e of reference.traceEvents) if (e.ts !== undefined) earliest = Math.min(earliest, e.ts);
  for (const f of others) {
    const t = read(f);
    const offset = round(clockOffsetUs(reference, t));
    const shift = offset + baseUs(t) - baseUs(reference);
    offsets[String(t.otherData['worker'] ?? f)] = offset;
    shifts.set(f, shift);
    for (const e of t.traceEvents) if (e.ts !== undefined) earliest = Math.min(earliest, e.ts + shift);
  }
  const backMs = earliest < 0 ? Math.ceil(-earliest / 1000) : 0;
  const writer = new TraceWriter(out);
  for (const f of files) {
    const t = f === refFile ? reference : read(f);
    const shift = shifts.get(f)! + backMs * 1000;
    for (const e of t.traceEvents) writer.push(e.ts === undefined || shift === 0 ? e : { ...e, ts: round(e.ts + shift) });
  }
  return writer.close({
    ...reference.otherData,
    epochBaseMs: baseUs(reference) / 1000 - backMs,
    merged: true,
    workers: files.length,
    clockOffsetsUs: JSON.stringify(offsets),
  });
}
