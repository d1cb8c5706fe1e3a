/**
 * Image folders: root/<class>/<image>.png|jpg, one example per file, class names sorted to
 * label indices. Decoded and resized by sharp (libvips), which core does not depend on: it
 * is loaded by name when an image folder is opened (the app installs it), so core stays
 * free of native packages.
 *
 * A PNG that needs no conversion (8-bit gray for 1 channel, 8-bit RGB or RGBA for 3, already
 * the model's size, no ICC profile) is decoded by pngjs (pure JS) in the reader thread
 * instead: for dataset-sized images sharp's per-call cost (~0.8 ms for a 28x28 PNG, against
 * ~30 us) was the whole read. The pixels are the ones sharp gives (a test compares them).
 */
import { readFileSync } from 'node:fs';
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
type Sharp = (input: string | Buffer) => SharpImage;

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
  let shape = options.imageShape ?? pngShape(paths[0]!);
  if (!shape) {
    const m = await loadSharp()(paths[0]!).metadata();
    if (!m.width || !m.height) throw new DataError(`${paths[0]}: not an image sharp can read.`);
    shape = [m.height, m.width, m.channels === 1 || m.channels === 2 ? 1 : 3];
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const files: StreamFile[] = paths.map((p) => ({ path: p, examples: 1, label: index.get(basename(dirname(p)))! }));
  return { format: 'images', files, exampleShape: [...shape], image: { classes } };
}

/** The part of pngjs's API used here: every PNG decodes to 8-bit RGBA, with the file's own color type and depth. */
interface PngJs {
  PNG: { sync: { read(data: Buffer): { width: number; height: number; depth: number; colorType: number; data: Buffer } } };
}
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
/** PNG color types: gray, RGB, RGBA. */
const GRAY = 0;
const GRAY_ALPHA = 4;
const RGB = 2;
const RGBA = 6;

/**
 * Decodes `bytes` into out[offset ..] scaled to [0, 1] when it is a PNG that needs no
 * conversion for an h x w x c example; false when sharp must (another format, size, color
 * type or depth, an ICC profile, or a file pngjs refuses: sharp then names the problem).
 */
function decodePlainPng(png: PngJs, bytes: Buffer, h: number, w: number, c: number, out: Float32Array, offset: number): boolean {
  if (!bytes.subarray(0, 4).equals(PNG_MAGIC) || bytes.indexOf('iCCP') >= 0) return false;
  let img;
  try {
    img = png.PNG.sync.read(bytes);
  } catch {
    return false;
  }
  const want = c === 1 ? img.colorType === GRAY : img.colorType === RGB || img.colorType === RGBA;
  if (!want || img.depth !== 8 || img.width !== w || img.height !== h) return false;
  const d = img.data;
  for (let p = 0, o = offset; p < h * w; p++) for (let k = 0; k < c; k++) out[o++] = d[4 * p + k]! * BYTE_TO_UNIT;
  return true;
}

/** [height, width, channels] of a PNG read by pngjs (gray or gray+alpha: 1 channel, else 3); undefined for anything else. */
function pngShape(path: string): [number, number, number] | undefined {
  try {
    const bytes = readFileSync(path);
    if (!bytes.subarray(0, 4).equals(PNG_MAGIC)) return undefined;
    const img = loadPngJs().PNG.sync.read(bytes);
    return [img.height, img.width, img.colorType === GRAY || img.colorType === GRAY_ALPHA ? 1 : 3];
  } catch {
    return undefined; // sharp reads it, or says why
  }
}

function loadPngJs(): PngJs {
  return createRequire(__filename)('pngjs') as PngJs;
}

/**
 * The reader-thread side: a raw record is the image's path; decoding resizes and scales it.
 * sharp is loaded on the first image pngjs does not take (a folder of plain PNGs never loads it).
 */
export function imagesFormat(spec: StreamSpec): RecordFormat {
  let sharp: Sharp | undefined;
  const png = loadPngJs();
  const [h, w, c] = spec.exampleShape as [number, number, number];
  return {
    async *records(file: StreamFile): AsyncGenerator<RawRecord[]> {
      yield [{ data: file.path, line: 0 }];
    },
    decode(raw, file, out, offset) {
      let bytes: Buffer | undefined;
      try {
        bytes = readFileSync(raw.data as string);
      } catch (e) {
        throw new DataError(`${file.path}: cannot be read (${(e as Error).message}); a file changed since the data was opened.`, { cause: e });
      }
      if (decodePlainPng(png, bytes, h, w, c, out, offset)) return file.label!;
      sharp ??= loadSharp();
      return decodeWithSharp(sharp, bytes, file, spec.exampleShape, out, offset);
    },
  };
}

/** Decodes, converts and resizes any image sharp reads. */
async function decodeWithSharp(sharp: Sharp, input: Buffer, file: StreamFile, shape: readonly number[], out: Float32Array, offset: number): Promise<number> {
  const [h, w, c] = shape as [number, number, number];
  const len = h * w * c;
  let img = sharp(input).resize(w, h, { fit: 'fill' });
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
}
