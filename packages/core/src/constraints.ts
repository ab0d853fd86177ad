import ipaddr from 'ipaddr.js';
import semver from 'semver';
import { InvalidArgumentError } from './errors';
import { compilePattern } from './pattern';
import type { AnyAttributes, AttributeValue, Context } from './user-context';

/** The operators a constraint may use: Unleash's, with their meaning. */
export const OPERATORS = [
  'IN',
  'NOT_IN',
  'STR_CONTAINS',
  'STR_STARTS_WITH',
  'STR_ENDS_WITH',
  'REGEX',
  'IN_CIDR',
  'IN_SEGMENT',
  'NUM_EQ',
  'NUM_GT',
  'NUM_GTE',
  'NUM_LT',
  'NUM_LTE',
  'DATE_AFTER',
  'DATE_BEFORE',
  'SEMVER_EQ',
  'SEMVER_GT',
  'SEMVER_GTE',
  'SEMVER_LT',
  'SEMVER_LTE',
] as const;

/** One of `OPERATORS`. */
export type Operator = (typeof OPERATORS)[number];

/** The attributes a constraint may name: the declared ones, `id` and `currentTime`. */
export type AttributeName<Attributes extends object = AnyAttributes> =
  (keyof Attributes & string) | 'id' | 'currentTime';

/**
 * A test of one attribute, as Unleash's strategy constraints (`attribute` is
 * Unleash's `contextName`). `values` for the list operators, `value` for the
 * numeric, date and version ones. Plain data: nothing in it is run as code.
 */
export interface Constraint<Attributes extends object = AnyAttributes> {
  /** The attribute tested; every operator but `IN_SEGMENT` needs one. */
  attribute?: AttributeName<Attributes>;
  operator: Operator;
  /** For `IN`, `NOT_IN`, `STR_*`, `REGEX`, `IN_CIDR`, `IN_SEGMENT`: holds when any value does. */
  values?: readonly string[];
  /** For `NUM_*` (a number or numeric string), `DATE_*` (ISO 8601 or a Date), `SEMVER_*` (a version). */
  value?: string | number | Date;
  /** Negates the result (missing attributes included). */
  inverted?: boolean;
  /** For `STR_*` and `REGEX`: compare ignoring case. */
  caseInsensitive?: boolean;
  /** For `REGEX`: flags drawn from `imsu`, applied to every value. */
  flags?: string;
}

/** What a compiled constraint reads besides the context. */
export interface ConstraintEnv {
  /** Epoch milliseconds of the evaluation clock. */
  now(): number;
  /** Whether the user is in the segment `name`. */
  inSegment(name: string): boolean;
}

/** A constraint ready to run. */
export type ConstraintTest = (context: Context, env: ConstraintEnv) => boolean;

// The first eight operators take `values` (a list); the others one `value`.
const LIST_OPERATORS = new Set<string>(OPERATORS.slice(0, OPERATORS.indexOf('NUM_EQ')));
const KNOWN = new Set<string>(OPERATORS);
/** The most values one constraint may list. */
export const MAX_CONSTRAINT_VALUES = 10_000;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
// ISO 8601 calendar dates, with an optional time and zone; a time without a zone is UTC.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** A number from a numeric attribute or string; `undefined` for anything else (an empty string included). */
export function parseNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !NUMBER.test(value)) return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** Epoch milliseconds from a Date, epoch milliseconds, or an ISO 8601 string (no zone: UTC). */
export function parseDate(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = ISO_DATE.exec(value);
  if (!match || !isCalendarDate(value)) return undefined;
  const text = value.replace(' ', 'T');
  const time = Date.parse(value.length > 10 && !match[1] ? `${text}Z` : text);
  return Number.isNaN(time) ? undefined : time;
}

// Date.parse rolls 2024-02-30 over to March 1st and reads 24:00 as midnight:
// a date a person could not have meant is not a date.
function isCalendarDate(value: string): boolean {
  const [year, month, day] = [0, 5, 8].map((at) => Number(value.slice(at, at + (at === 0 ? 4 : 2)))) as [
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return false;
  if (value.length <= 10) return true;
  const [hour, minute] = [11, 14].map((at) => Number(value.slice(at, at + 2))) as [number, number];
  const second = value.length >= 19 ? Number(value.slice(17, 19)) : 0;
  return hour <= 23 && minute <= 59 && second <= 59;
}

/** A SemVer 2.0.0 version (no leading `v` or `=`), or `undefined`. */
export function parseVersion(value: unknown): semver.SemVer | undefined {
  if (typeof value !== 'string' || !/^\d/.test(value)) return undefined;
  // Parsing costs a microsecond and an app has few versions: each is parsed
  // once (bounded: the memory is emptied when it is full).
  let parsed = versions.get(value);
  if (parsed === undefined) {
    parsed = semver.parse(value);
    if (versions.size >= MAX_VERSIONS) versions.clear();
    versions.set(value, parsed);
  }
  return parsed ?? undefined;
}

const versions = new Map<string, semver.SemVer | null>();
const MAX_VERSIONS = 4096;

/** An address range: an IPv4 or IPv6 CIDR, or a single address; `undefined` when it does not parse. */
export function parseRange(value: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | undefined {
  const slash = value.indexOf('/');
  const address = parseAddress(slash < 0 ? value : value.slice(0, slash), false);
  if (!address) return undefined;
  const max = address.kind() === 'ipv4' ? 32 : 128;
  if (slash < 0) return [address, max];
  const bits = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return undefined;
  return [address, Number(bits)];
}

/** An IPv4 address in four decimal parts or an IPv6 address; an IPv4-mapped IPv6 address as IPv4 when `unmap`. */
function parseAddress(value: string, unmap: boolean): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(value)) return ipaddr.IPv4.parse(value);
  if (!ipaddr.IPv6.isValid(value)) return undefined;
  const address = ipaddr.IPv6.parse(value);
  return unmap && address.isIPv4MappedAddress() ? address.toIPv4Address() : address;
}

function fail(field: string, value: unknown, requirement: string): never {
  throw new InvalidArgumentError(field, value, requirement);
}

/**
 * Checks a constraint and returns its plain, stored form (a `Date` value
 * becomes its ISO string). Every problem is an `InvalidArgumentError` naming
 * the field, e.g. `rules[0].constraints[1].value`. `segmentExists` says
 * whether an `IN_SEGMENT` name may be used.
 *
 * @example
 * normalizeConstraint({ attribute: 'plan', operator: 'IN', values: ['pro'] }, 'constraint', () => true);
 */
export function normalizeConstraint(
  input: unknown,
  field: string,
  segmentExists: (name: string) => boolean,
): Constraint {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    fail(field, input, 'A constraint is an object: { attribute, operator, values or value }.');
  }
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!['attribute', 'operator', 'values', 'value', 'inverted', 'caseInsensitive', 'flags'].includes(key)) {
      fail(
        `${field}.${key}`,
        raw[key],
        'A constraint has attribute, operator, values, value, inverted, caseInsensitive and flags.',
      );
    }
  }
  const operator = raw.operator;
  if (typeof operator !== 'string' || !KNOWN.has(operator)) {
    fail(`${field}.operator`, operator, `An operator is one of ${OPERATORS.join(', ')}.`);
  }
  const out: Constraint = { operator: operator as Operator };
  if (operator === 'IN_SEGMENT') {
    if (raw.attribute !== undefined) fail(`${field}.attribute`, raw.attribute, 'IN_SEGMENT tests no attribute.');
  } else {
    const attribute = raw.attribute;
    if (typeof attribute !== 'string' || attribute.length === 0 || [...attribute].length > 128) {
      fail(`${field}.attribute`, attribute, 'An attribute name is 1 to 128 characters.');
    }
    out.attribute = attribute;
  }
  if (LIST_OPERATORS.has(operator)) {
    if (raw.value !== undefined) fail(`${field}.value`, raw.value, `${operator} takes values (a list), not value.`);
    const values = raw.values;
    if (!Array.isArray(values) || values.length === 0 || values.length > MAX_CONSTRAINT_VALUES) {
      fail(`${field}.values`, values, `${operator} takes values: a list of 1 to ${MAX_CONSTRAINT_VALUES} strings.`);
    }
    values.forEach((value, i) => {
      if (typeof value !== 'string' || !value.isWellFormed())
        fail(`${field}.values[${i}]`, value, 'A value is a string.');
    });
    out.values = [...(values as string[])];
  } else {
    if (raw.values !== undefined) fail(`${field}.values`, raw.values, `${operator} takes one value, not values.`);
    const value = raw.value;
    if (operator.startsWith('NUM_')) {
      if (parseNumber(value) === undefined)
        fail(`${field}.value`, value, `${operator} takes a number (or a numeric string).`);
      out.value = value as string | number;
    } else if (operator.startsWith('DATE_')) {
      if (parseDate(value) === undefined || typeof value === 'number') {
        fail(`${field}.value`, value, `${operator} takes a date: an ISO 8601 string or a Date.`);
      }
      out.value = value instanceof Date ? value.toISOString() : (value as string);
    } else {
      if (parseVersion(value) === undefined) {
        fail(`${field}.value`, value, `${operator} takes a SemVer 2.0.0 version such as 1.2.3 (no leading v).`);
      }
      out.value = value as string;
    }
  }
  for (const key of ['inverted', 'caseInsensitive'] as const) {
    if (raw[key] === undefined) continue;
    if (typeof raw[key] !== 'boolean') fail(`${field}.${key}`, raw[key], `${key} is true or false.`);
    if (raw[key]) out[key] = true;
  }
  if (raw.flags !== undefined) {
    if (operator !== 'REGEX') fail(`${field}.flags`, raw.flags, 'Only REGEX takes flags.');
    if (typeof raw.flags !== 'string' || !/^[imsu]*$/.test(raw.flags) || new Set(raw.flags).size !== raw.flags.length) {
      fail(`${field}.flags`, raw.flags, 'REGEX flags are drawn from "imsu", each at most once.');
    }
    if (raw.flags) out.flags = [...raw.flags].sort().join('');
  }
  if (operator === 'IN_CIDR') {
    out.values!.forEach((value, i) => {
      if (!parseRange(value))
        fail(`${field}.values[${i}]`, value, 'IN_CIDR takes IPv4 or IPv6 ranges (10.0.0.0/8) or addresses.');
    });
  }
  if (operator === 'IN_SEGMENT') {
    out.values!.forEach((value, i) => {
      if (!segmentExists(value))
        fail(
          `${field}.values[${i}]`,
          value,
          `No segment has this name. Call rollout.defineSegment(${JSON.stringify(value)}) first.`,
        );
    });
  }
  if (operator === 'REGEX') compileRegexes(out, field);
  return out;
}

function regexFlags(constraint: Constraint): string {
  const flags = new Set(constraint.flags ?? '');
  if (constraint.caseInsensitive) flags.add('i');
  return [...flags].sort().join('');
}

function compileRegexes(constraint: Constraint, field: string): Array<(text: string) => boolean> {
  const flags = regexFlags(constraint);
  return constraint.values!.map((source, i) => {
    try {
      // The source is JavaScript's pattern syntax: RE2-only forms such as (?i) do not parse here.
      new RegExp(source, flags);
    } catch (err) {
      fail(`${field}.values[${i}]`, source, `A REGEX value is a JavaScript pattern: ${(err as Error).message}.`);
    }
    try {
      return compilePattern({ source, flags }).test;
    } catch (err) {
      fail(`${field}.values[${i}]`, source, (err as Error).message);
    }
  });
}

/** The attribute as strings to test: one, several for a list, none when missing (a Date as its ISO string). */
function texts(value: AttributeValue | undefined): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : (value as readonly string[]);
  if (value instanceof Date) return [value.toISOString()];
  return [String(value)];
}

function anyText(test: (text: string) => boolean): (value: AttributeValue | undefined) => boolean {
  return (value) => {
    if (typeof value === 'string') return test(value); // the common case, without a list
    const list = texts(value);
    return list !== undefined && list.some(test);
  };
}

function numberTest(operator: Operator, target: number): (n: number) => boolean {
  switch (operator) {
    case 'NUM_EQ':
      return (n) => n === target;
    case 'NUM_GT':
      return (n) => n > target;
    case 'NUM_GTE':
      return (n) => n >= target;
    case 'NUM_LT':
      return (n) => n < target;
    default:
      return (n) => n <= target;
  }
}

function versionTest(operator: Operator, target: semver.SemVer): (v: semver.SemVer) => boolean {
  const sign = { SEMVER_EQ: [0], SEMVER_GT: [1], SEMVER_GTE: [0, 1], SEMVER_LT: [-1], SEMVER_LTE: [-1, 0] }[
    operator as 'SEMVER_EQ'
  ];
  return (v) => sign.includes(v.compare(target));
}

/** Whether `holds` is true of the attribute read by `parse` (of any element, for a list); false when missing. */
function anyParsed<T>(
  value: AttributeValue | undefined,
  parse: (item: unknown) => T | undefined,
  holds: (item: T) => boolean,
): boolean {
  if (value === undefined) return false;
  if (!Array.isArray(value)) {
    const parsed = parse(value);
    return parsed !== undefined && holds(parsed);
  }
  for (const item of value) {
    const parsed = parse(item);
    if (parsed !== undefined && holds(parsed)) return true;
  }
  return false;
}

/**
 * Compiles a stored constraint into a test of a context. The test is true
 * when the constraint holds (after `inverted`). A constraint that no longer
 * compiles (damaged store data) never holds: a guard that cannot decide denies.
 *
 * @example
 * compileConstraint({ attribute: 'plan', operator: 'IN', values: ['pro'] })({ plan: 'pro' }, env); // true
 */
export function compileConstraint(constraint: Constraint): ConstraintTest {
  let test: ConstraintTest;
  try {
    test = compileBare(constraint);
  } catch {
    return () => false;
  }
  if (!constraint.inverted) return test;
  return (context, env) => !test(context, env);
}

function compileBare(constraint: Constraint): ConstraintTest {
  const { operator, attribute = '' } = constraint;
  const values = constraint.values ?? [];
  const read = (context: Context, env: ConstraintEnv): AttributeValue | undefined =>
    attribute === 'currentTime' && context.currentTime === undefined ? env.now() : context[attribute];
  const on =
    (holds: (value: AttributeValue | undefined) => boolean): ConstraintTest =>
    (context, env) =>
      holds(read(context, env));
  const fold = (text: string) => (constraint.caseInsensitive ? text.toLowerCase() : text);
  switch (operator) {
    case 'IN': {
      const set = new Set(values);
      return on(anyText((text) => set.has(text)));
    }
    case 'NOT_IN': {
      const set = new Set(values);
      return on((value) => {
        const list = texts(value);
        return list === undefined || list.some((text) => !set.has(text));
      });
    }
    case 'STR_CONTAINS':
    case 'STR_STARTS_WITH':
    case 'STR_ENDS_WITH': {
      const wanted = values.map(fold);
      const method =
        operator === 'STR_CONTAINS' ? 'includes' : operator === 'STR_STARTS_WITH' ? 'startsWith' : 'endsWith';
      return on(
        anyText((text) => {
          const folded = fold(text);
          return wanted.some((w) => folded[method](w));
        }),
      );
    }
    case 'REGEX': {
      const tests = compileRegexes(constraint, 'constraint');
      return on(anyText((text) => tests.some((t) => t(text))));
    }
    case 'IN_CIDR': {
      const ranges = values.map(parseRange).filter((r) => r !== undefined);
      return on((value) => {
        const address = (item: unknown) => (typeof item === 'string' ? parseAddress(item, true) : undefined);
        return anyParsed(value, address, (a) =>
          ranges.some(([base, bits]) => a.kind() === base.kind() && a.match(base, bits)),
        );
      });
    }
    case 'IN_SEGMENT':
      return (_context, env) => values.some((name) => env.inSegment(name));
    default:
      break;
  }
  if (operator.startsWith('NUM_')) {
    const holds = numberTest(operator, parseNumber(constraint.value)!);
    return on((value) => anyParsed(value, parseNumber, holds));
  }
  if (operator.startsWith('DATE_')) {
    const target = parseDate(constraint.value)!;
    const holds = operator === 'DATE_AFTER' ? (t: number) => t > target : (t: number) => t < target;
    return on((value) => anyParsed(value, parseDate, holds));
  }
  if (operator.startsWith('SEMVER_')) {
    const holds = versionTest(operator, parseVersion(constraint.value)!);
    return on((value) => anyParsed(value, parseVersion, holds));
  }
  throw new Error(`unknown operator ${operator}`);
}
