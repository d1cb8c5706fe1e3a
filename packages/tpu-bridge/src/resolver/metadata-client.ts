/**
 * A minimal GCE metadata server client: GET with `Metadata-Flavor: Google`, a short
 * timeout, and a check that the answer carries the same header (so a captive proxy or
 * an unrelated server is never taken for the metadata server).
 */
import { request } from 'node:http';

/** The metadata server's DNS name on GCE; override with GCE_METADATA_HOST (as Google's client libraries do). */
export const DEFAULT_METADATA_HOST = 'metadata.google.internal';
/** Off GCE the lookup fails fast; on GCE the server answers in milliseconds. */
export const DEFAULT_METADATA_TIMEOUT_MS = 1000;
const ATTRIBUTES_PATH = '/computeMetadata/v1/instance/attributes/';

export interface MetadataOptions {
  /** "host" or "host:port". */
  readonly host?: string;
  readonly timeoutMs?: number;
}

export type MetadataResult = { ok: true; value: string } | { ok: false; status?: number; reason: string };

/** GETs one instance attribute. Never throws: failures come back as `{ ok: false, reason }`. */
export function getInstanceAttribute(name: string, options: MetadataOptions = {}): Promise<MetadataResult> {
  const host = options.host ?? DEFAULT_METADATA_HOST;
  const timeoutMs = options.timeoutMs ?? DEFAULT_METADATA_TIMEOUT_MS;
  const [hostname, port] = host.includes(':') ? [host.slice(0, host.lastIndexOf(':')), Number(host.slice(host.lastIndexOf(':') + 1))] : [host, 80];
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: MetadataResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = request({ hostname, port, path: ATTRIBUTES_PATH + name, method: 'GET', headers: { 'Metadata-Flavor': 'Google' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.headers['metadata-flavor'] !== 'Google') {
          done({ ok: false, status: res.statusCode, reason: `${host} answered without "Metadata-Flavor: Google"; not a GCE metadata server` });
        } else if (res.statusCode !== 200) {
          done({ ok: false, status: res.statusCode, reason: `attribute "${name}" answered HTTP ${res.statusCode}` });
        } else {
          done({ ok: true, value: Buffer.concat(chunks).toString('utf8') });
        }
      });
      res.on('error', (e) => done({ ok: false, reason: e.message }));
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({ ok: false, reason: `no answer from ${host} within ${timeoutMs} ms` });
    }, timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => done({ ok: false, reason: `${host}: ${e.code ?? e.message}` }));
    req.end();
  });
}
