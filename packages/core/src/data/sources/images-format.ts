/**
 * Image folders: root/<class>/<image>.png|jpg, one example per file, class names sorted to
 * label indices. Decoded and resized by sharp (libvips), which core does not depend on: it
 * is loaded by name when an image folder is opened (the app installs it), so core stays
 * free of native packages.
 */
import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import { DataError } from '../../errors/data-error';
import { BYTE_TO_UNIT } from '../in-memory-source';
import type { RawRecord, RecordFormat } from './record-format';
import type { StreamFile, StreamSpec } from './stream-spec';

/** The part of sharp's API used here. */
interface SharpImage {
  metadata(): Promise<{ width?: number; height?: number; channels?: number }>;
  resize(width: number, height: number, options: { fit: 'fill' }): SharpImage;
  grayscale(): SharpImage;
  removeAlpha(): SharpImage;
  toColourspace(space: string): SharpImage;
  raw(): SharpImage;
  toBuffer(): Promise<Buffer>;
}
type Sharp = (path: string) => SharpImage;

/** The package name, kept out of static imports so bundlers leave it to the app. */
const SHARP = 'sharp';

function loadSharp(): Sharp {
  try {
    return createRequire(__filename)(SHARP) as Sharp;
  } catch (e) {
    throw new DataError('Reading an image folder needs the sharp package (npm install sharp); it could not be loaded: ' + (e as Error).message, { cause: e });
  }
}

/** Options of `inspectImages`. */
export interface ImageOptions {
  /** [height, width, channels] every image is resized to (default: the first image's, channels 1 or 3). */
  readonly imageShape?: readonly [number, number, number];
}

/** Lists classes (parent folder names, sorted) and the image shape. Throws DataError when a folder holds no class. */
export async function inspectImages(paths: readonly string[], options: ImageOptions = {}): Promise<StreamSpec> {
  const classes = [...new Set(paths.map((p) => basename(dirname(p))))].sort();
  if (classes.length < 2)
    throw new DataError(`${dirname(paths[0]!)}: an image folder needs one sub-folder per class (root/<class>/*.png); found ${classes.length}.`);
  let shape = options.imageShape;
  if (!shape) {
    const m = await loadSharp()(paths[0]!).metadata();
    if (!m.width || !m.height) throw new DataError(`${paths[0]}: not an image sharp can read.`);
    shape = [m.height, m.width, m.channels === 1 || m.channels === 2 ? 1 : 3];
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const files: StreamFile[] = paths.map((p) => ({ path: p, examples: 1, label: index.get(basename(dirname(p)))! }));
  return { format: 'images', files, exampleShape: [...shape], image: { classes } };
}

/** The reader-thread side: a raw record is the image's path; decoding resizes and scales it. */
export function imagesFormat(spec: StreamSpec): RecordFormat {
  const sharp = loadSharp();
  const [h, w, c] = spec.exampleShape as [number, number, number];
  const len = h * w * c;
  return {
    async *records(file: StreamFile): AsyncGenerator<RawRecord[]> {
      yield [{ data: file.path, line: 0 }];
    },
    async decode(raw, file, out, offset) {
      let img = sharp(raw.data as string).resize(w, h, { fit: 'fill' });
      img = c === 1 ? img.grayscale() : img.removeAlpha().toColourspace('srgb');
      let bytes: Buffer;
      try {
        bytes = await img.raw().toBuffer();
      } catch (e) {
        throw new DataError(`${file.path}: cannot be decoded as an image (${(e as Error).message}).`, { cause: e });
      }
      if (bytes.length !== len) throw new DataError(`${file.path}: decoded to ${bytes.length} bytes, expected ${h}x${w}x${c}.`);
      for (let i = 0; i < len; i++) out[offset + i] = bytes[i]! * BYTE_TO_UNIT;
      return file.label!;
    },
  };
}
