import type semver from 'semver';
import { parseAddress, parseDate, parseNumber, parseRange, parseVersion } from './attribute-values';
import { compileRegexes, type Constraint, type ConstraintEnv, type ConstraintTest, type Operator } from './constraints';
import type { AttributeValue, Context } from './user-context';

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
  if (constraint.operator === 'IN_SEGMENT') return segmentTest(constraint.values ?? [], constraint.inverted === true);
  if (!constraint.inverted) return test;
  return (context, env) => !test(context, env);
}

/** `IN_SEGMENT`: holds when the unit is in any of the segments; fails, inverted or not, when membership is unknown. */
function segmentTest(names: readonly string[], inverted: boolean): ConstraintTest {
  return (_context, env) => {
    let unknown = false;
    for (const name of names) {
      const member = env.inSegment(name);
      if (member === true) return !inverted;
      if (member === undefined) unknown = true;
    }
    return unknown ? false : inverted;
  };
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
      return segmentTest(values, false);
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
