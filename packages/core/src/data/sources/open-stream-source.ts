/**
 * `openStreamSource`: from a path, a directory or a glob to a StreamSource. The format is
 * taken from the file names unless given; the files are inspected once (counted, typed),
 * nothing is kept in memory.
 */
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { DataError } from '../../errors/data-error';
import { InvalidConfigError } from '../../errors/invalid-config-error';
import { inspectCsv, type TableOptions } from './csv-format';
import { inspectIdx, type IdxPairPaths } from './idx-format';
import { inspectImages, type ImageOptions } from './images-format';
import { inspectJsonl } from './jsonl-format';
import { STREAM_FORMATS, type StreamFormat, type StreamOptions, type StreamSource, type StreamSpec } from './stream-spec';
import { inspectTfrecord } from './tfrecord-format';

/** Options of `openStreamSource`. */
export interface OpenStreamOptions extends StreamOptions, TableOptions, ImageOptions {
  /** The format; default: from the file names (an error when they disagree or say nothing). */
  readonly format?: StreamFormat;
}

/** The format a file name implies, if any. */
export function formatOfName(path: string): StreamFormat | undefined {
  const name = basename(path).toLowerCase().replace(/\.gz$/, '');
  if (/\.(tfrecords?|tfr)$/.test(name) || /\.tfrecords?-\d+-of-\d+$/.test(name) || /-\d{5}-of-\d{5}$/.test(name)) return 'tfrecord';
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'jsonl';
  if (/-idx\d-ubyte$/.test(name)) return 'idx';
  if (/\.(png|jpe?g)$/.test(name)) return 'images';
  return undefined;
}

/** The files `pattern` names (a file, a directory: every file under it, or a glob), sorted. Throws DataError when none. */
export async function resolveDataPaths(pattern: string): Promise<string[]> {
  let files: string[];
  if (isDynamicPattern(pattern)) files = await glob([pattern], { absolute: true, onlyFiles: true });
  else if (existsSync(pattern) && statSync(pattern).isDirectory()) files = await glob(['**/*'], { cwd: pattern, absolute: true, onlyFiles: true });
  else if (existsSync(pattern)) files = [pattern];
  else throw new DataError(`--data ${pattern}: no such file or directory.`);
  files = files.filter((f) => !basename(f).startsWith('.')).sort();
  if (files.length === 0) throw new DataError(`--data ${pattern}: matches no files.`);
  return files;
}

/** Pairs IDX images files with their labels files (…images-idx3… ↔ …labels-idx1…). */
function idxPairs(files: readonly string[]): IdxPairPaths[] {
  const images = files.filter((f) => !/labels/.test(basename(f)));
  return images.map((img) => {
    const base = img.replace(/images(?=[^/]*$)/, 'labels').replace(/idx\d(?=-ubyte[^/]*$)/, 'idx1');
    const labels = [base, base.replace(/\.gz$/, ''), `${base.replace(/\.gz$/, '')}.gz`].find((p) => existsSync(p));
    if (!labels) throw new DataError(`${img}: no labels file beside it (looked for ${base}); IDX needs an images file and a labels file per shard.`);
    return { images: img, labels };
  });
}

/** Detects the one format of `files`, or throws InvalidConfigError asking for --format. */
export function detectFormat(files: readonly string[]): StreamFormat {
  const found = new Set(files.map((f) => formatOfName(f) ?? 'unknown'));
  if (found.size === 1 && !found.has('unknown')) return [...found][0] as StreamFormat;
  const unknown = files.find((f) => formatOfName(f) === undefined);
  throw new InvalidConfigError(
    '--format',
    undefined,
    `one of ${STREAM_FORMATS.join(', ')}: the files ${unknown ? `do not say which (e.g. ${unknown})` : `mix ${[...found].join(' and ')}`}`,
  );
}

/**
 * Opens `pattern` as a StreamSource: resolves the files, detects or checks the format,
 * inspects them (counts, columns, vocabularies). Throws DataError for missing or corrupt
 * files, InvalidConfigError when the format cannot be told.
 */
export async function openStreamSource(pattern: string, options: OpenStreamOptions = {}): Promise<StreamSource> {
  let paths = await resolveDataPaths(pattern);
  const format = options.format ?? detectFormat(paths);
  if (!STREAM_FORMATS.includes(format)) throw new InvalidConfigError('--format', format, `one of ${STREAM_FORMATS.join(', ')}`);
  if (options.format && isDynamicPattern(pattern) === false && statSync(pattern).isDirectory()) {
    paths = paths.filter((p) => formatOfName(p) === format || formatOfName(p) === undefined);
  }
  const table = { ...(options.label !== undefined ? { label: options.label } : {}), ...(options.features ? { features: options.features } : {}) };
  let spec: StreamSpec;
  if (format === 'tfrecord') spec = await inspectTfrecord(paths, table);
  else if (format === 'csv') spec = await inspectCsv(paths, table);
  else if (format === 'jsonl') spec = await inspectJsonl(paths, table);
  else if (format === 'images') spec = await inspectImages(paths, options.imageShape ? { imageShape: options.imageShape } : {});
  else spec = inspectIdx(idxPairs(paths));
  const fileSizes = spec.files.map((f) => f.examples);
  return Object.freeze({
    kind: 'stream',
    spec,
    files: spec.files.map((f) => f.path),
    fileSizes,
    size: fileSizes.reduce((a, b) => a + b, 0),
    exampleShape: spec.exampleShape,
    exampleLength: spec.exampleShape.reduce((a, b) => a * b, 1),
    name: `${format} ${pattern}`,
    options: {
      ...(options.shuffleBuffer !== undefined ? { shuffleBuffer: options.shuffleBuffer } : {}),
      ...(options.cycleLength !== undefined ? { cycleLength: options.cycleLength } : {}),
      ...(options.prefetchExamples !== undefined ? { prefetchExamples: options.prefetchExamples } : {}),
      ...(options.log ? { log: options.log } : {}),
    },
  });
}
