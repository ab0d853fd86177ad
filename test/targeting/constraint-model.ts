/**
 * An independent model of SPEC's constraints, for the property tests: each
 * pool of values carries its meaning written out by hand (which strings are
 * numbers, which are dates and when, how versions order, which addresses a
 * range holds), and REGEX is judged by the native RegExp. Nothing here calls
 * the code under test.
 */

/** Numeric strings and what they mean; `undefined`: not a number. */
export const NUMBERS: [string, number | undefined][] = [
  ['12', 12],
  ['12.0', 12],
  ['-1.5', -1.5],
  ['.5', 0.5],
  ['1e3', 1000],
  ['0', 0],
  ['', undefined],
  [' 12', undefined],
  ['0x10', undefined],
  ['Infinity', undefined],
  ['twelve', undefined],
];

/** Dates and their epoch milliseconds; `undefined`: not a date. */
export const DATES: [string, number | undefined][] = [
  ['2024-01-01T00:00:00Z', 1704067200000],
  ['2024-01-01', 1704067200000],
  ['2024-01-01T02:00:00+02:00', 1704067200000],
  ['2024-06-15T12:30:00.500Z', 1718454600500],
  ['2023-12-31T23:59:59Z', 1704067199000],
  ['2024-02-30', undefined],
  ['2024-01-01T24:00:00Z', undefined],
  ['yesterday', undefined],
  ['01/02/2024', undefined],
];

/** Versions in ascending precedence (semver.org's own example, then more); equal rank: equal precedence. */
export const VERSIONS: [string, number | undefined][] = [
  ['1.0.0-alpha', 0],
  ['1.0.0-alpha.1', 1],
  ['1.0.0-alpha.beta', 2],
  ['1.0.0-beta', 3],
  ['1.0.0-beta.2', 4],
  ['1.0.0-beta.11', 5],
  ['1.0.0-rc.1', 6],
  ['1.0.0', 7],
  ['1.0.0+build.5', 7],
  ['1.2.3', 8],
  ['1.10.0', 9],
  ['2.0.0', 10],
  ['v2.0.0', undefined],
  ['1.0', undefined],
  ['01.0.0', undefined],
  ['1.0.0-', undefined],
];

/** IPv4 addresses as 32-bit numbers; `undefined`: not an address. */
export const ADDRESSES: [string, number | undefined][] = [
  ['10.0.0.1', 0x0a000001],
  ['10.255.255.255', 0x0affffff],
  ['11.0.0.0', 0x0b000000],
  ['192.168.1.42', 0xc0a8012a],
  ['127.0.0.1', 0x7f000001],
  ['10.1', undefined],
  ['256.0.0.1', undefined],
  ['localhost', undefined],
];

/** IPv4 ranges as [base, prefix]; `undefined`: not a range. */
export const RANGES: [string, [number, number] | undefined][] = [
  ['10.0.0.0/8', [0x0a000000, 8]],
  ['192.168.1.0/24', [0xc0a80100, 24]],
  ['127.0.0.1', [0x7f000001, 32]],
  ['0.0.0.0/0', [0, 0]],
  ['10.0.0.0/33', undefined],
  ['127.invalid', undefined],
  ['10.0.0.0/', undefined],
];

/** Pattern sources: valid JavaScript and linear-time, or not. */
export const PATTERNS: [string, boolean][] = [
  ['^a', true],
  ['b$', true],
  ['a.c', true],
  ['^[ab]+$', true],
  ['\\d', true],
  ['(open', false],
  ['(?i)a', false],
  ['^(a)\\1$', false],
  ['(?=a)', false],
];

export const STRINGS = ['a', 'A', 'ab', 'ba', 'abc', 'b', ''];

/**
 * Whether a REGEX value may be written: the pool says so, or, for any other
 * string, the native RegExp parses it and it has no back-reference or
 * look-around (which no linear-time engine runs).
 */
function isPattern(source: string): boolean {
  const known = lookup(PATTERNS, source);
  if (known !== undefined) return known;
  try {
    new RegExp(source);
  } catch {
    return false;
  }
  return !/\\[1-9k]|\(\?<?[=!]/.test(source);
}

export type Value = string | number | boolean | Date | string[] | undefined;

const lookup = <T>(pool: [string, T][], text: string): T | undefined => pool.find(([key]) => key === text)?.[1];

/** A range: from the RANGES pool, or a single address of the ADDRESSES pool (a /32). */
function rangeOf(text: string): [number, number] | undefined {
  if (RANGES.some(([key]) => key === text)) return lookup(RANGES, text);
  const address = lookup(ADDRESSES, text);
  return address === undefined ? undefined : [address, 32];
}

/** A number from a string outside the NUMBERS pool: what Number() reads, minus what SPEC does not call a number. */
function numberOf(text: string): number | undefined {
  if (NUMBERS.some(([key]) => key === text)) return lookup(NUMBERS, text);
  const n = Number(text);
  const decimal = text.trim() === text && text !== '' && !/^[+-]?0[box]|Infinity/i.test(text);
  return decimal && Number.isFinite(n) ? n : undefined;
}

/** The strings an attribute value is tested as: SPEC's String(value), ISO for a Date, each element of a list. */
function texts(value: Value): string[] | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value;
  if (value instanceof Date) return [value.toISOString()];
  return [String(value)];
}

export interface ModelConstraint {
  operator: string;
  values?: string[];
  value?: string;
  inverted?: boolean;
  caseInsensitive?: boolean;
  flags?: string;
}

const LIST = ['IN', 'NOT_IN', 'STR_CONTAINS', 'STR_STARTS_WITH', 'STR_ENDS_WITH', 'REGEX', 'IN_CIDR'];
const ONE = ['NUM_EQ', 'NUM_GT', 'NUM_GTE', 'NUM_LT', 'NUM_LTE', 'DATE_AFTER', 'DATE_BEFORE'];
const VERSION_OPS = ['SEMVER_EQ', 'SEMVER_GT', 'SEMVER_GTE', 'SEMVER_LT', 'SEMVER_LTE'];

/** Whether SPEC lets the constraint be written. */
export function isValid(c: ModelConstraint): boolean {
  if (LIST.includes(c.operator)) {
    if (c.value !== undefined || !c.values || c.values.length === 0) return false;
    if (c.flags !== undefined && (c.operator !== 'REGEX' || !/^(?!.*(.).*\1)[imsu]*$/.test(c.flags))) return false;
    if (c.operator === 'IN_CIDR') return c.values.every((v) => rangeOf(v) !== undefined);
    if (c.operator === 'REGEX') return c.values.every(isPattern);
    return true;
  }
  if (c.values !== undefined || c.value === undefined || c.flags !== undefined) return false;
  if (c.operator.startsWith('NUM_')) return ONE.includes(c.operator) && numberOf(c.value) !== undefined;
  if (c.operator.startsWith('DATE_')) return ONE.includes(c.operator) && lookup(DATES, c.value) !== undefined;
  if (VERSION_OPS.includes(c.operator)) return lookup(VERSIONS, c.value) !== undefined;
  return false;
}

function compare(a: number, b: number, operator: string): boolean {
  switch (operator.replace(/^(NUM|SEMVER)_/, '')) {
    case 'EQ':
      return a === b;
    case 'GT':
      return a > b;
    case 'GTE':
      return a >= b;
    case 'LT':
      return a < b;
    default:
      return a <= b;
  }
}

function inRange(address: number, [base, bits]: [number, number]): boolean {
  if (bits === 0) return true;
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  return (address & mask) >>> 0 === (base & mask) >>> 0;
}

/** Whether a valid constraint holds for an attribute value, by SPEC, before `inverted`. */
function bare(c: ModelConstraint, value: Value): boolean {
  const list = texts(value);
  if (c.operator === 'NOT_IN') return list === undefined || list.some((t) => !c.values!.includes(t));
  if (list === undefined) return false;
  const fold = (t: string) => (c.caseInsensitive ? t.toLowerCase() : t);
  const any = (test: (t: string) => boolean) => list.some(test);
  switch (c.operator) {
    case 'IN':
      return any((t) => c.values!.includes(t));
    case 'STR_CONTAINS':
      return any((t) => c.values!.some((v) => fold(t).includes(fold(v))));
    case 'STR_STARTS_WITH':
      return any((t) => c.values!.some((v) => fold(t).startsWith(fold(v))));
    case 'STR_ENDS_WITH':
      return any((t) => c.values!.some((v) => fold(t).endsWith(fold(v))));
    case 'REGEX': {
      const flags = [...new Set((c.flags ?? '') + (c.caseInsensitive ? 'i' : ''))].join('');
      return any((t) => c.values!.some((v) => new RegExp(v, flags).test(t)));
    }
    case 'IN_CIDR':
      return any((t) => {
        const address = lookup(ADDRESSES, t);
        return address !== undefined && c.values!.some((v) => inRange(address, rangeOf(v)!));
      });
  }
  const items = Array.isArray(value) ? value : [value];
  if (c.operator.startsWith('NUM_')) {
    const target = numberOf(c.value!)!;
    return items.some((item) => {
      const n = typeof item === 'number' ? item : typeof item === 'string' ? numberOf(item) : undefined;
      return n !== undefined && compare(n, target, c.operator);
    });
  }
  if (c.operator.startsWith('DATE_')) {
    const target = lookup(DATES, c.value!)!;
    return items.some((item) => {
      // A Date is its time; a number, epoch milliseconds (docs/SPEC.md).
      const t =
        item instanceof Date
          ? item.getTime()
          : typeof item === 'number'
            ? item
            : typeof item === 'string'
              ? lookup(DATES, item)
              : undefined;
      return t !== undefined && (c.operator === 'DATE_AFTER' ? t > target : t < target);
    });
  }
  const target = lookup(VERSIONS, c.value!)!;
  return items.some((item) => {
    const rank = typeof item === 'string' ? lookup(VERSIONS, item) : undefined;
    return rank !== undefined && compare(rank, target, c.operator);
  });
}

/** Whether a valid constraint holds for an attribute value, by SPEC. */
export function holds(c: ModelConstraint, value: Value): boolean {
  return bare(c, value) !== Boolean(c.inverted);
}
