/**
 * Agreement at rendezvous: before the first step, every rank of a multi-worker group shows
 * every other rank the settings that must match, and all of them stop with the same
 * ConfigMismatchError naming the first field that differs, its values and their ranks.
 *
 * Protocol, on every rank at once, over the group's own communicator (any transport):
 *   1. encode the fields as canonical JSON (keys in the caller's order; long values
 *      summarised with their sha256, so the message stays small and still tells values apart);
 *   2. all-reduce (max) the encoded length L;
 *   3. all-gather by sum: a zeroed array of size x L floats where this rank writes its bytes
 *      at rank x L, all-reduced with `sum`: every rank now holds every rank's text exactly
 *      (bytes are small integers, exact in float32);
 *   4. decode, compare each field with the global chief's (rank 0) in the fields' order; the
 *      first difference, with every distinct value and the ranks that hold it, is the error.
 * Every rank decides from the same data, so all raise the same error or none does.
 */
import { createHash } from 'node:crypto';
import type { Communicator } from '../../contracts/communicator';
import { ConfigMismatchError, type MismatchedValue } from '../../errors/config-mismatch-error';

/** Field name -> the value every worker must have (already a string). */
export type AgreementFields = Readonly<Record<string, string>>;

/** Values longer than this are sent as their start plus a sha256 (a model spec, a weight layout). */
const MAX_VALUE_CHARS = 120;

function summarise(value: string): string {
  if (value.length <= MAX_VALUE_CHARS) return value;
  const digest = createHash('sha256').update(value).digest('hex').slice(0, 16);
  return `${value.slice(0, 60)}... (${value.length} chars, sha256 ${digest})`;
}

function encode(fields: AgreementFields): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(Object.entries(fields).map(([k, v]) => [k, summarise(v)])));
}

function decode(floats: Float32Array): [string, string][] {
  let end = floats.length;
  while (end > 0 && floats[end - 1] === 0) end--;
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(floats.subarray(0, end)))) as [string, string][];
}

/** The first field (in rank 0's order, then fields only others have) whose values differ, or undefined. */
export function firstMismatch(texts: readonly (readonly [string, string][])[]): { field: string; values: MismatchedValue[] } | undefined {
  const maps = texts.map((entries) => new Map(entries));
  const order = [...new Set(texts.flatMap((entries) => entries.map(([k]) => k)))];
  for (const field of order) {
    const byValue = new Map<string, number[]>();
    maps.forEach((m, rank) => {
      const value = m.get(field) ?? '(not set: an older or newer Syncline?)';
      byValue.set(value, [...(byValue.get(value) ?? []), rank]);
    });
    if (byValue.size > 1) return { field, values: [...byValue].map(([value, ranks]) => ({ value, ranks })) };
  }
  return undefined;
}

/**
 * Runs the protocol above on `comm`; every rank of the group must call it.
 * @throws ConfigMismatchError on every rank when a field differs; the communicator's own errors otherwise
 */
export async function checkAgreement(comm: Communicator, fields: AgreementFields): Promise<void> {
  const mine = encode(fields);
  const L = (await comm.allReduce(new Float32Array([mine.length]), 'max'))[0]!;
  const gather = new Float32Array(comm.size * L);
  gather.set(mine, comm.rank * L);
  const all = await comm.allReduce(gather, 'sum');
  const texts = Array.from({ length: comm.size }, (_, r) => decode(all.subarray(r * L, (r + 1) * L)));
  const mismatch = firstMismatch(texts);
  if (mismatch) throw new ConfigMismatchError(mismatch.field, mismatch.values);
}
