/**
 * Reads a file as a stream of chunks, gunzipped when it starts with the gzip magic (so
 * `.gz` or not, the bytes decide), and splits byte streams into lines.
 */
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { DataError } from '../../errors/data-error';

/** Chunk size of file reads: large enough to amortize the syscalls. */
export const READ_CHUNK_BYTES = 1 << 20;

/** True when `path` starts with the gzip magic bytes 1f 8b. Throws DataError for a missing file. */
export function isGzipFile(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new DataError(`${path}: cannot be opened (${(e as Error).message}); check --data.`, { cause: e });
  }
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** The (uncompressed) bytes of `path`, chunk by chunk. Errors become DataErrors naming the file. */
export async function* fileChunks(path: string): AsyncGenerator<Buffer> {
  const raw = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  const stream = isGzipFile(path) ? raw.pipe(createGunzip({ chunkSize: READ_CHUNK_BYTES })) : raw;
  if (stream !== raw) raw.on('error', (e) => stream.destroy(e));
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (e) {
    throw new DataError(`${path}: read failed (${(e as Error).message}); the file is missing, unreadable or a corrupt gzip.`, { cause: e });
  } finally {
    raw.destroy();
  }
}

/** One line of a text file (without '\n' or a trailing '\r') and its 1-based number. */
export interface Line {
  readonly text: string;
  readonly number: number;
}

/** The lines of `path`, a chunk's worth at a time. */
export async function* fileLines(path: string): AsyncGenerator<Line[]> {
  let rest = '';
  let number = 0;
  const utf8 = new StringDecoder('utf8');
  for await (const chunk of fileChunks(path)) {
    const text = rest + utf8.write(chunk);
    const lines: Line[] = [];
    let at = 0;
    for (let nl = text.indexOf('\n', at); nl >= 0; nl = text.indexOf('\n', at)) {
      const end = nl > at && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      lines.push({ text: text.slice(at, end), number: ++number });
      at = nl + 1;
    }
    rest = text.slice(at);
    if (lines.length) yield lines;
  }
  rest += utf8.end();
  if (rest.length > 0) yield [{ text: rest.endsWith('\r') ? rest.slice(0, -1) : rest, number: ++number }];
}
