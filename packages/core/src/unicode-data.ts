import { fromRanges, has, members, subtract, union, type CharSet } from './char-set';

/**
 * Character data read from the running JavaScript engine itself, so that a
 * compiled pattern agrees with `RegExp` on this Node's Unicode version: the
 * sets of property escapes (`\p{L}`) and the case-folding classes of the `i`
 * flag. Each is worked out once per process, when a pattern first needs it.
 */

/** How the `i` flag folds a character: two characters match when their folds are equal. */
export interface CaseFolding {
  fold(c: number): number;
  /** The characters whose fold differs from themselves, or that are the fold of another. */
  readonly candidates: CharSet;
}

/** Every code point up to `max` but the surrogates, in order (astral ones as pairs): up to 2.2 million code units. */
function allScalarValues(max: number): string {
  const units = new Uint16Array(0x10000 - 0x800 + 2 * (max + 1 - 0x10000));
  let n = 0;
  for (let c = 0; c < 0x10000; c++) if (c < 0xd800 || c > 0xdfff) units[n++] = c;
  for (let c = 0; c <= max - 0x10000; c++) {
    units[n++] = 0xd800 + (c >> 10);
    units[n++] = 0xdc00 + (c & 0x3ff);
  }
  return new TextDecoder('utf-16le').decode(units);
}

/** The code points a `u`-mode class body (`\p{L}`, `\p{Script=Greek}`) matches, asked of `RegExp`. */
function scanClass(body: string, max = 0x10ffff): CharSet {
  const all = allScalarValues(max);
  const pairs: number[] = [];
  for (const match of all.matchAll(new RegExp(`[${body}]+`, 'gu'))) {
    const end = match.index + match[0].length;
    const lastStart =
      end >= 2 && all.charCodeAt(end - 1) >= 0xdc00 && all.charCodeAt(end - 1) <= 0xdfff ? end - 2 : end - 1;
    pairs.push(all.codePointAt(match.index)!, all.codePointAt(lastStart)!);
  }
  const single = new RegExp(`^[${body}]$`, 'u');
  for (let c = 0xd800; c <= 0xdfff; c++) if (single.test(String.fromCharCode(c))) pairs.push(c, c);
  // A run across the surrogate gap (U+D7FF, U+E000) reads as one range: take the gap out, then add back the lone surrogates that matched.
  const lone = pairs.filter(
    (_, i) => i % 2 === 0 && pairs[i]! >= 0xd800 && pairs[i + 1]! <= 0xdfff && pairs[i] === pairs[i + 1],
  );
  return union(subtract(fromRanges(pairs), [0xd800, 0xdfff]), fromRanges(lone.flatMap((c) => [c, c])));
}

const propertySets = new Map<string, CharSet>();

/** The code points of a property escape's positive form, e.g. `\p{Lu}` or `\p{Script=Greek}`. */
export function propertySet(escape: string, max?: number): CharSet {
  let set = propertySets.get(escape);
  if (!set) {
    set = scanClass(escape, max);
    propertySets.set(escape, set);
  }
  return set;
}

let nonUnicodeFolding: CaseFolding | undefined;

/**
 * Without `u` or `v`, `i` folds a code unit to its upper case when that is
 * one code unit and does not turn a non-ASCII character into an ASCII one
 * (ECMA-262, Canonicalize).
 */
export function nonUnicodeCaseFolding(): CaseFolding {
  if (nonUnicodeFolding) return nonUnicodeFolding;
  const table = new Uint16Array(0x10000);
  const pairs: number[] = [];
  for (let c = 0; c <= 0xffff; c++) {
    const upper = String.fromCharCode(c).toUpperCase();
    const folded = upper.length === 1 && !(c >= 128 && upper.charCodeAt(0) < 128) ? upper.charCodeAt(0) : c;
    table[c] = folded;
    if (folded !== c) pairs.push(c, c, folded, folded);
  }
  nonUnicodeFolding = { fold: (c) => (c <= 0xffff ? table[c]! : c), candidates: fromRanges(pairs) };
  return nonUnicodeFolding;
}

let unicodeFolding: CaseFolding | undefined;

/**
 * With `u` or `v`, `i` compares simple case foldings. The classes of
 * characters that fold together are asked of `RegExp` itself (each cased
 * character against all others), and each is folded to its smallest member.
 */
export function unicodeCaseFolding(): CaseFolding {
  if (unicodeFolding) return unicodeFolding;
  // Cased characters live in the first two planes (the others hold CJK
  // ideographs, tags and private use), so only those are scanned.
  const cased = propertySet('\\p{CWCM}\\p{CWCF}\\p{Lowercase}\\p{Uppercase}', 0x1ffff);
  const text = [...members(cased)].map((c) => String.fromCodePoint(c)).join('');
  const folds = new Map<number, number>();
  for (const c of members(cased)) {
    if (folds.has(c)) continue;
    const same = [...text.matchAll(new RegExp(`\\u{${c.toString(16)}}`, 'giu'))].map((m) => m[0].codePointAt(0)!);
    if (same.length < 2) continue;
    const smallest = Math.min(...same);
    for (const d of same) folds.set(d, smallest);
  }
  const table = new Uint32Array(0x10000).map((_, c) => c);
  for (const [c, folded] of folds) if (c <= 0xffff) table[c] = folded;
  const candidates = fromRanges([...folds.keys()].flatMap((c) => [c, c]));
  unicodeFolding = {
    fold: (c) => (c <= 0xffff ? table[c]! : (folds.get(c) ?? c)),
    candidates,
  };
  return unicodeFolding;
}

/** `set` as its folds: what a folded id character must be to match one of `set`. */
export function foldSet(set: CharSet, folding: CaseFolding | undefined): CharSet {
  if (!folding) return set;
  let size = 0;
  for (let i = 0; i < set.length && size <= 64; i += 2) size += set[i + 1]! - set[i]! + 1;
  if (size <= 64) return fromRanges([...members(set)].flatMap((c) => [folding.fold(c), folding.fold(c)]));
  const pairs: number[] = [...subtract(set, folding.candidates)];
  for (let i = 0; i < folding.candidates.length; i += 2) {
    for (let c = folding.candidates[i]!; c <= folding.candidates[i + 1]!; c++) {
      if (has(set, c)) {
        const f = folding.fold(c);
        pairs.push(f, f);
      }
    }
  }
  return fromRanges(pairs);
}
