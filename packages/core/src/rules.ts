import { compileConstraint } from './constraint-compile';
import { normalizeConstraint, type Constraint, type ConstraintEnv, type ConstraintTest } from './constraints';
import { InvalidArgumentError } from './errors';
import type { AnyAttributes, Context } from './user-context';
import { assertPercentage, MAX_NAME_LENGTH } from './validate';

/**
 * A rule of a feature: it holds when every constraint holds (no constraints:
 * every context) and, when `percentage` is set, the unit's bucket is below it.
 * Plain data.
 */
export interface Rule<Attributes extends object = AnyAttributes> {
  /** A label shown by `explain`. */
  name?: string;
  constraints: readonly Constraint<Attributes>[];
  /** An integer 0..100 of the units the rule lets in (by the shared bucket). */
  percentage?: number;
}

/** The most rules one feature may have, and constraints one rule. */
export const MAX_RULES = 1000;

/** How a rule fared for one context: `true`, or the first constraint that failed (or `'percentage'`). */
export type RuleOutcome = true | number | 'percentage';

/** What evaluating rules reads besides the context. */
export interface RuleEnv extends ConstraintEnv {
  /** The unit's bucket, or `undefined` when the context has no unit. */
  bucket(): number | undefined;
}

interface CompiledRule {
  readonly tests: readonly ConstraintTest[];
  readonly percentage: number | undefined;
}

/**
 * Checks a list of rules and returns the plain form to store; every problem
 * is an `InvalidArgumentError` naming the field (`rules[1].constraints[0].operator`).
 *
 * @example
 * normalizeRules([{ name: 'pro in NL', constraints: [{ attribute: 'country', operator: 'IN', values: ['NL'] }] }], () => true);
 */
export function normalizeRules(rules: unknown, segmentExists: (name: string) => boolean, field = 'rules'): Rule[] {
  if (!Array.isArray(rules) || rules.length > MAX_RULES) {
    throw new InvalidArgumentError(
      field,
      rules,
      `Rules are a list of at most ${MAX_RULES} { name?, constraints, percentage? } objects.`,
    );
  }
  return rules.map((rule: unknown, i) => normalizeRule(rule, `${field}[${i}]`, segmentExists));
}

function normalizeRule(input: unknown, field: string, segmentExists: (name: string) => boolean): Rule {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidArgumentError(field, input, 'A rule is an object: { name?, constraints, percentage? }.');
  }
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!['name', 'constraints', 'percentage'].includes(key)) {
      throw new InvalidArgumentError(`${field}.${key}`, raw[key], 'A rule has name, constraints and percentage.');
    }
  }
  const rule: Rule = { constraints: normalizeConstraints(raw.constraints, `${field}.constraints`, segmentExists) };
  if (raw.name !== undefined) {
    const name = raw.name;
    if (typeof name !== 'string' || name.length === 0 || [...name].length > MAX_NAME_LENGTH || /\p{Cc}/u.test(name)) {
      throw new InvalidArgumentError(
        `${field}.name`,
        name,
        `A rule name is 1 to ${MAX_NAME_LENGTH} characters, no control characters.`,
      );
    }
    rule.name = name;
  }
  if (raw.percentage !== undefined) {
    try {
      rule.percentage = assertPercentage(raw.percentage);
    } catch {
      throw new InvalidArgumentError(
        `${field}.percentage`,
        raw.percentage,
        'A percentage is an integer from 0 to 100.',
      );
    }
  }
  return rule;
}

/**
 * Checks a list of constraints (of a rule or a segment).
 *
 * @example
 * normalizeConstraints([{ attribute: 'plan', operator: 'IN', values: ['pro'] }], 'constraints', () => false);
 */
export function normalizeConstraints(
  input: unknown,
  field: string,
  segmentExists: (name: string) => boolean,
): Constraint[] {
  if (!Array.isArray(input) || input.length > MAX_RULES) {
    throw new InvalidArgumentError(field, input, `Constraints are a list of at most ${MAX_RULES} constraint objects.`);
  }
  return input.map((constraint: unknown, i) => normalizeConstraint(constraint, `${field}[${i}]`, segmentExists));
}

const compiledConstraints = new WeakMap<readonly Constraint[], readonly ConstraintTest[]>();
const compiledRules = new WeakMap<readonly Rule[], readonly CompiledRule[]>();

/**
 * The tests of a stored list of constraints, compiled once per list (the
 * list is plain data; what runs is kept beside it, keyed by the list).
 */
export function constraintTests(constraints: readonly Constraint[]): readonly ConstraintTest[] {
  let tests = compiledConstraints.get(constraints);
  if (!tests) {
    tests = constraints.map(compileConstraint);
    compiledConstraints.set(constraints, tests);
  }
  return tests;
}

function compiled(rules: readonly Rule[]): readonly CompiledRule[] {
  let list = compiledRules.get(rules);
  if (!list) {
    list = rules.map((rule) => ({ tests: constraintTests(rule.constraints), percentage: rule.percentage }));
    compiledRules.set(rules, list);
  }
  return list;
}

/**
 * Whether every constraint holds for `context`; the index of the first that
 * does not, otherwise.
 */
export function firstFailing(
  tests: readonly ConstraintTest[],
  context: Context,
  env: ConstraintEnv,
): number | undefined {
  for (let i = 0; i < tests.length; i++) if (!tests[i]!(context, env)) return i;
  return undefined;
}

/**
 * The index of the first rule that holds, or -1; `outcomes`, when given,
 * receives how each rule fared (for `explain`).
 *
 * @example
 * firstHoldingRule(state.targeting.rules, context, env); // 0
 */
export function firstHoldingRule(
  rules: readonly Rule[],
  context: Context,
  env: RuleEnv,
  outcomes?: RuleOutcome[],
): number {
  const list = compiled(rules);
  for (let i = 0; i < list.length; i++) {
    const { tests, percentage } = list[i]!;
    const failed = firstFailing(tests, context, env);
    let outcome: RuleOutcome = failed ?? true;
    if (outcome === true && percentage !== undefined) {
      const bucket = env.bucket();
      if (bucket === undefined || bucket >= percentage) outcome = 'percentage';
    }
    if (outcome === true) return i;
    outcomes?.push(outcome);
  }
  return -1;
}
