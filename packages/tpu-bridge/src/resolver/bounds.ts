/**
 * TPU bounds ("2,2,1" for TPU_CHIPS_PER_HOST_BOUNDS / TPU_HOST_BOUNDS) and the
 * `tpu-env` metadata attribute (lines of `KEY: 'value'`).
 */
import { InvalidConfigError } from '@syncline/core';

/** Parses "x,y,z" into three positive integers. */
export function parseBounds(field: string, value: string): [number, number, number] {
  const parts = value.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 3 || parts.some((p) => !Number.isInteger(p) || p < 1)) {
    throw new InvalidConfigError(field, value, 'three positive integers such as "2,2,1"', { source: 'TPUClusterResolver' });
  }
  return parts as [number, number, number];
}

/** Parses the GCE `tpu-env` attribute: one `KEY: 'value'` (or `KEY: value`) per line. */
export function parseTpuEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Z0-9_]+)\s*:\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    out[m[1]!] = m[2]!.replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1');
  }
  return out;
}

/** Parses `worker-network-endpoints` ("id:x:10.0.0.2,id:x:10.0.0.3") into addresses. */
export function parseWorkerEndpoints(text: string): string[] {
  return text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length > 0)
    .map((e) => e.split(':').pop()!);
}
