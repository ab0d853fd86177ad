import fc from 'fast-check';
import { InvalidArgumentError, MemoryBackend, OPERATORS, Rollout } from '@hanoi/core';
import {
  ADDRESSES,
  DATES,
  holds,
  isValid,
  NUMBERS,
  PATTERNS,
  RANGES,
  STRINGS,
  VERSIONS,
  type ModelConstraint,
  type Value,
} from './constraint-model';

const keys = (pool: [string, unknown][]) => pool.map(([key]) => key);
const text = fc.constantFrom(
  ...new Set([
    ...STRINGS,
    ...keys(NUMBERS),
    ...keys(DATES),
    ...keys(VERSIONS),
    ...keys(ADDRESSES),
    ...keys(RANGES),
    ...keys(PATTERNS),
  ]),
);

/** The pool an operator's values mostly come from, so that most constraints are valid and values meet. */
function poolFor(operator: string): string[] {
  if (operator.startsWith('NUM_')) return keys(NUMBERS);
  if (operator.startsWith('DATE_')) return keys(DATES);
  if (operator.startsWith('SEMVER_')) return keys(VERSIONS);
  if (operator === 'IN_CIDR') return keys(RANGES);
  if (operator === 'REGEX') return keys(PATTERNS);
  return STRINGS;
}

const OPERATORS_TRIED = [...OPERATORS.filter((o) => o !== 'IN_SEGMENT'), 'EQUALS', 'NUM_NE'];

const LIST_OPERATORS = ['IN', 'NOT_IN', 'STR_CONTAINS', 'STR_STARTS_WITH', 'STR_ENDS_WITH', 'REGEX', 'IN_CIDR'];

/**
 * Constraints with `operator`: mostly well-formed (values or value as the
 * operator takes, flags only on REGEX), sometimes any mix of fields.
 */
const constraintOf = (operator: string): fc.Arbitrary<ModelConstraint> => {
  const own = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...poolFor(operator)) }, { weight: 1, arbitrary: text });
  const flags = fc.constantFrom('', 'i', 'm', 's', 'ms', 'g', 'ii');
  const any = fc.record(
    {
      operator: fc.constant(operator),
      values: fc.array(own, { minLength: 0, maxLength: 3 }),
      value: own,
      inverted: fc.boolean(),
      caseInsensitive: fc.boolean(),
      flags,
    },
    { requiredKeys: ['operator'] },
  );
  const list = LIST_OPERATORS.includes(operator);
  const fields: Record<string, fc.Arbitrary<unknown>> = {
    operator: fc.constant(operator),
    ...(list ? { values: fc.array(own, { minLength: 1, maxLength: 3 }) } : { value: own }),
    inverted: fc.boolean(),
    caseInsensitive: fc.boolean(),
    ...(operator === 'REGEX' ? { flags } : {}),
  };
  const wellFormed = fc.record(fields, {
    requiredKeys: ['operator', list ? 'values' : 'value'],
  }) as unknown as fc.Arbitrary<ModelConstraint>;
  return fc.oneof({ weight: 4, arbitrary: wellFormed }, { weight: 1, arbitrary: any });
};

const attributeText = fc.constantFrom(
  ...new Set([...STRINGS, ...keys(NUMBERS), ...keys(DATES), ...keys(VERSIONS), ...keys(ADDRESSES)]),
);
const value: fc.Arbitrary<Value> = fc.oneof(
  fc.constant(undefined),
  attributeText,
  fc.constantFrom(12, -1.5, 0, 1000, 1704067200000),
  fc.boolean(),
  fc.constantFrom(...DATES.filter(([, ms]) => ms !== undefined).map(([, ms]) => new Date(ms!))),
  fc.array(attributeText, { maxLength: 3 }),
);

/** Attribute values: mostly from the constraint's own pool (as strings and lists), so that they meet its values. */
const constraintAndValues = (operator: string) =>
  constraintOf(operator).chain((c) => {
    const own = fc.constantFrom(...(c.operator === 'IN_CIDR' ? keys(ADDRESSES) : poolFor(c.operator)));
    const near: fc.Arbitrary<Value> = fc.oneof(own, fc.array(own, { maxLength: 3 }));
    return fc.tuple(
      fc.constant(c),
      fc.array(fc.oneof({ weight: 3, arbitrary: near }, { weight: 2, arbitrary: value }), {
        minLength: 1,
        maxLength: 6,
      }),
    );
  });

describe('every constraint is either refused when written or evaluated as an independent model says (SPEC: Rules)', () => {
  it.each(OPERATORS_TRIED)('%s on MemoryBackend, for random constraints and attribute values', async (operator) => {
    await fc.assert(
      fc.asyncProperty(constraintAndValues(operator), async ([c, values]) => {
        const rollout = new Rollout(new MemoryBackend());
        await rollout.addFunc('f');
        let refused = false;
        try {
          await rollout.setRules('f', [{ constraints: [{ attribute: 'x', ...c } as never] }]);
        } catch (err) {
          if (!(err instanceof InvalidArgumentError)) throw err;
          refused = true;
        }
        expect(refused).toBe(!isValid(c));
        if (refused) {
          expect((await rollout.getFunc('f'))!.rules).toBeUndefined();
          return;
        }
        for (const v of values) {
          const user = v === undefined ? { id: 'u' } : { id: 'u', x: v };
          expect(await rollout.isEnabled('f', user as never)).toBe(holds(c, v));
        }
      }),
      { numRuns: 500 },
    );
  });
});
