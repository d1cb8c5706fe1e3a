/**
 * Image folders: a PNG that needs no conversion is decoded by pngjs (synchronously, in the
 * reader thread) into exactly the pixels sharp gives; every other image (palette, 16-bit,
 * another size, JPEG) goes through sharp; a corrupt file is named.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { imagesFormat, inspectImages } from './images-format';
import type { StreamFile } from './stream-spec';

const W = 7;
const H = 5;

/** Deterministic pixels: `channels` bytes per pixel, gradients plus a pattern. */
function pixels(channels: number, w = W, h = H): Buffer {
  return Buffer.from(Array.from({ length: w * h * channels }, (_, i) => (i * 53 + (i % 7) * 11) % 256));
}

/** What sharp alone gives for `path` as an h x w x c example, scaled to [0, 1]. */
async function bySharp(path: string, c: number): Promise<number[]> {
  let img = sharp(path).resize(W, H, { fit: 'fill' });
  img = c === 1 ? img.grayscale() : img.removeAlpha().toColourspace('srgb');
  return Array.from(await img.raw().toBuffer(), (b) => Math.fround(b / 255));
}

describe('image folder decoding', () => {
  const dir = mkdtempSync(join(tmpdir(), 'images-'));
  for (const c of ['a', 'b']) mkdirSync(join(dir, c));
  const raw = (channels: 1 | 3 | 4, w = W, h = H): sharp.Sharp => sharp(pixels(channels, w, h), { raw: { width: w, height: h, channels } });

  it('decodes plain PNGs without sharp, to the pixels sharp gives, and everything else with sharp', async () => {
    const cases: [string, number, Promise<unknown>, boolean][] = [];
    const add = (name: string, c: number, write: Promise<unknown>, plain: boolean): void => void cases.push([join(dir, 'a', name), c, write, plain]);
    add(
      'gray.png',
      1,
      raw(1)
        .toColourspace('b-w')
        .png()
        .toFile(join(dir, 'a', 'gray.png')),
      true,
    );
    add(
      'rgb.png',
      3,
      raw(3)
        .png()
        .toFile(join(dir, 'a', 'rgb.png')),
      true,
    );
    add(
      'rgba.png',
      3,
      raw(4)
        .png()
        .toFile(join(dir, 'a', 'rgba.png')),
      true,
    );
    add(
      'palette.png',
      3,
      raw(3)
        .png({ palette: true })
        .toFile(join(dir, 'a', 'palette.png')),
      false,
    );
    add(
      'deep.png',
      1,
      raw(1)
        .toColourspace('grey16')
        .png()
        .toFile(join(dir, 'a', 'deep.png')),
      false,
    );
    add(
      'larger.png',
      1,
      raw(1, 14, 10)
        .toColourspace('b-w')
        .png()
        .toFile(join(dir, 'a', 'larger.png')),
      false,
    );
    add(
      'rgb-as-gray.png',
      1,
      raw(3)
        .png()
        .toFile(join(dir, 'a', 'rgb-as-gray.png')),
      false,
    );
    add(
      'photo.jpg',
      3,
      raw(3)
        .jpeg()
        .toFile(join(dir, 'a', 'photo.jpg')),
      false,
    );
    await Promise.all(cases.map((k) => k[2]));
    for (const [path, c, , plain] of cases) {
      const spec = await inspectImages([path, join(dir, 'b', 'x.png')], { imageShape: [H, W, c] });
      const fmt = imagesFormat(spec);
      const out = new Float32Array(H * W * c);
      const file: StreamFile = spec.files[0]!;
      const got = fmt.decode({ data: path, line: 0 }, file, out, 0);
      expect([path, typeof got === 'number']).toEqual([path, plain]);
      expect(await got).toBe(0);
      expect([path, Array.from(out)]).toEqual([path, await bySharp(path, c)]);
    }
  });

  it('names a file that is not an image', async () => {
    const bad = join(dir, 'b', 'broken.png');
    writeFileSync(bad, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.from('not really')]));
    const spec = await inspectImages([join(dir, 'a', 'x.png'), bad], { imageShape: [H, W, 1] });
    const fmt = imagesFormat(spec);
    await expect(Promise.resolve(fmt.decode({ data: bad, line: 0 }, spec.files[1]!, new Float32Array(H * W), 0))).rejects.toThrow(
      /broken\.png: cannot be decoded as an image/,
    );
  });
});
