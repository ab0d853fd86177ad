import { parseDate, parseNumber, parseRange, parseVersion } from './attribute-values';
import { InvalidArgumentError } from './errors';
import { compilePattern } from './pattern';
import type { AnyAttributes, Context } from './user-context';

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
  /**
   * Whether the user is in the segment `name`; `undefined` when that could
   * not be known (the store did not answer a lookup): an `IN_SEGMENT`
   * constraint then fails, inverted or not.
   */
  inSegment(name: string): boolean | undefined;
}

/** A constraint ready to run. */
export type ConstraintTest = (context: Context, env: ConstraintEnv) => boolean;

// The first eight operators take `values` (a list); the others one `value`.
const LIST_OPERATORS = new Set<string>(OPERATORS.slice(0, OPERATORS.indexOf('NUM_EQ')));
const KNOWN = new Set<string>(OPERATORS);
/** The most values one constraint may list. */
export const MAX_CONSTRAINT_VALUES = 10_000;
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

export function compileRegexes(constraint: Constraint, field: string): Array<(text: string) => boolean> {
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
