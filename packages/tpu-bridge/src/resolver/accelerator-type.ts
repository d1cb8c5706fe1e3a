/**
 * Cloud TPU accelerator types ("v4-8", "v5litepod-16", "v6e-8", "v5p-128") as Google
 * names them: for v2, v3, v4 and v5p the number counts TensorCores (two per chip); for
 * v5e ("v5litepod"/"v5e") and v6e it counts chips (one TensorCore each).
 */
import { InvalidConfigError } from '@syncline/core';

export interface AcceleratorType {
  /** As given, e.g. "v4-8". */
  readonly name: string;
  /** "v2" | "v3" | "v4" | "v5e" | "v5p" | "v6e" (as parsed). */
  readonly generation: string;
  readonly chips: number;
  readonly coresPerChip: number;
  /** Chips attached to one host when no bounds say otherwise. */
  readonly defaultChipsPerHost: number;
}

/** Chips one host drives on multi-host slices of the two-core generations. */
const CHIPS_PER_HOST_DUAL_CORE = 4;
/** v5e/v6e: one host drives up to 8 chips in single-host slices, 4 in multi-host slices. */
const CHIPS_PER_HOST_SINGLE_CORE_MAX = 8;
const CHIPS_PER_HOST_SINGLE_CORE_MULTI_HOST = 4;

const PATTERN = /^(v2|v3|v4|v5p|v5litepod|v5e|v6e)-(\d+)$/;

/** @throws InvalidConfigError naming the value and the accepted forms. */
export function parseAcceleratorType(name: string): AcceleratorType {
  const m = PATTERN.exec(name.trim().toLowerCase());
  if (!m || Number(m[2]) < 1) {
    throw new InvalidConfigError('acceleratorType', name, 'a Cloud TPU type such as "v4-8", "v5litepod-16", "v5p-8" or "v6e-8"', {
      source: 'TPUClusterResolver',
    });
  }
  const family = m[1]!;
  const n = Number(m[2]);
  const singleCore = family === 'v5litepod' || family === 'v5e' || family === 'v6e';
  const generation = family === 'v5litepod' ? 'v5e' : family;
  if (singleCore) {
    const perHost = n <= CHIPS_PER_HOST_SINGLE_CORE_MAX ? n : CHIPS_PER_HOST_SINGLE_CORE_MULTI_HOST;
    return { name, generation, chips: n, coresPerChip: 1, defaultChipsPerHost: perHost };
  }
  const chips = Math.max(1, Math.floor(n / 2));
  return { name, generation, chips, coresPerChip: 2, defaultChipsPerHost: Math.min(chips, CHIPS_PER_HOST_DUAL_CORE) };
}
