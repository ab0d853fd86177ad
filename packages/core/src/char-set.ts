/**
 * A set of characters (code units or code points) as sorted, disjoint,
 * non-adjacent inclusive ranges: `[lo0, hi0, lo1, hi1, ...]`. The pattern
 * compiler builds every class, escape and case-folded image out of these.
 */
export type CharSet = readonly number[];

export const MAX_CODE_UNIT = 0xffff;
export const MAX_CODE_POINT = 0x10ffff;

/** Normalises any list of `[lo, hi]` pairs into a CharSet. */
export function fromRanges(pairs: readonly number[]): CharSet {
  const ranges: [number, number][] = [];
  for (let i = 0; i < pairs.length; i += 2) if (pairs[i]! <= pairs[i + 1]!) ranges.push([pairs[i]!, pairs[i + 1]!]);
  ranges.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of ranges) {
    const last = out.length - 1;
    if (last > 0 && lo <= out[last]! + 1) out[last] = Math.max(out[last]!, hi);
    else out.push(lo, hi);
  }
  return out;
}

export function single(c: number): CharSet {
  return [c, c];
}

export function union(...sets: CharSet[]): CharSet {
  return fromRanges(sets.flat());
}

/** Everything from 0 to `max` that is not in `set`. */
export function complement(set: CharSet, max: number): CharSet {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < set.length; i += 2) {
    if (set[i]! > next) out.push(next, set[i]! - 1);
    next = set[i + 1]! + 1;
  }
  if (next <= max) out.push(next, max);
  return out;
}

export function intersect(a: CharSet, b: CharSet): CharSet {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i]!, b[j]!);
    const hi = Math.min(a[i + 1]!, b[j + 1]!);
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return out;
}

export function subtract(a: CharSet, b: CharSet): CharSet {
  return intersect(a, complement(b, Math.max(MAX_CODE_POINT, a[a.length - 1] ?? 0)));
}

export function has(set: CharSet, c: number): boolean {
  let lo = 0;
  let hi = set.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (c < set[2 * mid]!) hi = mid - 1;
    else if (c > set[2 * mid + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

/** The characters of `set` one by one (for small sets and case-folding candidates). */
export function* members(set: CharSet): Generator<number> {
  for (let i = 0; i < set.length; i += 2) for (let c = set[i]!; c <= set[i + 1]!; c++) yield c;
}
