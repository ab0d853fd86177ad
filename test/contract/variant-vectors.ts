import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One golden variant case, computed by test/fixtures/make-variant-vectors.py. */
export interface VariantCase {
  feature: string;
  userId: string;
  /** MurmurHash3 x86_32, seed 0, of utf8(feature + '\0' + userId). */
  hash: number;
  /** hash / 2^32. */
  point: number;
  variants: { name: string; weight: number }[];
  variant: string;
}

/** A published MurmurHash3 x86_32 value. */
export interface MurmurCase {
  text: string;
  seed: number;
  hash: number;
}

/**
 * The golden variant values, read once.
 *
 * @example
 * const { cases } = loadVariantVectors();
 */
export function loadVariantVectors(): { murmur3: MurmurCase[]; cases: VariantCase[] } {
  const file = join(__dirname, '../fixtures/variant-vectors.json');
  return JSON.parse(readFileSync(file, 'utf8')) as { murmur3: MurmurCase[]; cases: VariantCase[] };
}
