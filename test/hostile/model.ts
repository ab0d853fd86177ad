/**
 * An independent model of what SPEC.md says is stored: the validity rules
 * written out from the spec (code points counted by hand, whitespace and
 * control characters listed, not borrowed from core's validators), and a
 * plain map of features that each operation updates.
 */

/** A feature as the spec says `getFunc` returns it (users and patterns sorted). */
export interface ModelFeature {
  name: string;
  enabled: boolean;
  percentage: number;
  users: string[];
  patterns: Array<{ source: string; flags: string }>;
  variants: Array<{ name: string; weight: number }>;
}

// ECMAScript WhiteSpace and LineTerminator (what \s means), and category Cc.
const WHITESPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007,
  0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
]);
const isControl = (cp: number): boolean => cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f);

/** The code points of `text`, or `undefined` when it holds a lone surrogate. */
export function codePoints(text: string): number[] | undefined {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return undefined;
      out.push((unit - 0xd800) * 0x400 + (next - 0xdc00) + 0x10000);
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return undefined;
    } else {
      out.push(unit);
    }
  }
  return out;
}

/** SPEC: 1..128 characters, no whitespace or control characters. */
export function validName(name: unknown): name is string {
  if (typeof name !== 'string') return false;
  const cps = codePoints(name);
  return !!cps && cps.length >= 1 && cps.length <= 128 && cps.every((cp) => !WHITESPACE.has(cp) && !isControl(cp));
}

/** SPEC: a string of 1..512 characters, or a finite number; the canonical string, or `undefined`. */
export function canonicalId(id: unknown): string | undefined {
  const text = typeof id === 'number' && Number.isFinite(id) ? String(id) : typeof id === 'string' ? id : undefined;
  if (text === undefined) return undefined;
  const cps = codePoints(text);
  return cps && cps.length >= 1 && cps.length <= 512 ? text : undefined;
}

/** SPEC: an integer 0..100, a number. */
export function validPercentage(p: unknown): p is number {
  return typeof p === 'number' && Number.isInteger(p) && p >= 0 && p <= 100;
}

/** SPEC: distinct valid names, weights finite and above zero (at most 1e9, 100 variants at most). */
export function canonicalVariants(list: unknown): Array<{ name: string; weight: number }> | undefined {
  if (!Array.isArray(list) || list.length > 100) return undefined;
  const out: Array<{ name: string; weight: number }> = [];
  for (const item of list as unknown[]) {
    const isObject = typeof item === 'object' && item !== null;
    const name: unknown = isObject ? (item as { name?: unknown }).name : item;
    const weight: unknown =
      isObject && (item as { weight?: unknown }).weight !== undefined ? (item as { weight: unknown }).weight : 1;
    if (!validName(name) || typeof weight !== 'number' || !(weight > 0 && weight <= 1e9)) return undefined;
    if (out.some((v) => v.name === name)) return undefined;
    out.push({ name, weight });
  }
  return out;
}

/** SPEC: what a RegExp is stored as: its source, and its flags without g, y and d, sorted. */
export function expectedSpec(pattern: RegExp): { source: string; flags: string } {
  const flags = pattern.flags
    .split('')
    .filter((f) => f !== 'g' && f !== 'y' && f !== 'd')
    .sort()
    .join('');
  return { source: pattern.source, flags };
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const patternKey = (p: { source: string; flags: string }): string => `${p.source}/${p.flags}`;

/** Sorts a feature's sets (users, patterns) so two reads compare equal whatever order a store keeps. */
export function sortedFeature<T extends ModelFeature | undefined>(feature: T): T {
  if (!feature) return feature;
  return {
    ...feature,
    users: [...feature.users].sort(byText),
    patterns: [...feature.patterns].sort((a, b) => byText(patternKey(a), patternKey(b))),
    variants: feature.variants.map((v) => ({ name: v.name, weight: v.weight })),
  };
}

/** A fresh feature with the defaults of `addFunc`. */
export function newFeature(name: string): ModelFeature {
  return { name, enabled: true, percentage: 0, users: [], patterns: [], variants: [] };
}

/** Adds `items` to a set kept as an array. */
export function addAll<T>(list: T[], items: T[], key: (t: T) => string): T[] {
  const out = [...list];
  for (const item of items) if (!out.some((x) => key(x) === key(item))) out.push(item);
  return out;
}

export { patternKey };
