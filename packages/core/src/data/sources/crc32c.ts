/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) and TFRecord's "masked" form of it,
 * which every TFRecord frame carries twice (over the length and over the payload).
 * node:zlib only has the IEEE CRC-32, and a table of 256 words is all the Castagnoli one takes.
 */

/** Reflected Castagnoli polynomial. */
const CASTAGNOLI = 0x82f63b78;
/** TFRecord's mask constant: masked = rotr15(crc) + MASK_DELTA (mod 2^32). */
const MASK_DELTA = 0xa282ead8;

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ CASTAGNOLI : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32C of bytes[start, end), as an unsigned 32-bit integer. */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** TFRecord's masked CRC-32C of bytes[start, end). */
export function maskedCrc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const c = crc32c(bytes, start, end);
  return (((c >>> 15) | (c << 17)) + MASK_DELTA) >>> 0;
}
