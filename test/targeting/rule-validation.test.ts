import { InvalidArgumentError, MemoryBackend, Rollout } from '@hanoi/core';
import { everything } from '@hanoi/core/testing';
import { refusal } from './refused';

async function setup() {
  const rollout = new Rollout(new MemoryBackend());
  await rollout.defineSegment('testers', { users: ['u1'] });
  await rollout.addFunc('f', { rules: [{ constraints: [{ attribute: 'plan', operator: 'IN', values: ['pro'] }] }] });
  return rollout;
}

const rule = (constraint: unknown) => [{ constraints: [constraint] }];

describe('written rules are validated: an InvalidArgumentError naming the field, nothing stored (SPEC: Rules)', () => {
  it.each([
    [
      'an unknown operator',
      rule({ attribute: 'a', operator: 'EQUALS', values: ['x'] }),
      'rules[0].constraints[0].operator',
    ],
    ['a missing operator', rule({ attribute: 'a', values: ['x'] }), 'rules[0].constraints[0].operator'],
    [
      'value where values is due',
      rule({ attribute: 'a', operator: 'IN', value: 'x' }),
      'rules[0].constraints[0].value',
    ],
    [
      'values where value is due',
      rule({ attribute: 'a', operator: 'NUM_GT', values: ['1'] }),
      'rules[0].constraints[0].values',
    ],
    ['an empty values', rule({ attribute: 'a', operator: 'IN', values: [] }), 'rules[0].constraints[0].values'],
    [
      'a value in values that is not a string',
      rule({ attribute: 'a', operator: 'IN', values: ['x', 1] }),
      'rules[0].constraints[0].values[1]',
    ],
    [
      'a NUM_ value that is not a number',
      rule({ attribute: 'a', operator: 'NUM_GT', value: 'ten' }),
      'rules[0].constraints[0].value',
    ],
    [
      'a NUM_ value that is an empty string',
      rule({ attribute: 'a', operator: 'NUM_EQ', value: '' }),
      'rules[0].constraints[0].value',
    ],
    [
      'a NUM_ value that is NaN',
      rule({ attribute: 'a', operator: 'NUM_EQ', value: NaN }),
      'rules[0].constraints[0].value',
    ],
    [
      'a DATE_ value that is not a date',
      rule({ attribute: 'a', operator: 'DATE_AFTER', value: 'tomorrow' }),
      'rules[0].constraints[0].value',
    ],
    [
      'a DATE_ value that is not a calendar date',
      rule({ attribute: 'a', operator: 'DATE_AFTER', value: '2024-02-30' }),
      'rules[0].constraints[0].value',
    ],
    [
      'a DATE_ value at hour 24',
      rule({ attribute: 'a', operator: 'DATE_BEFORE', value: '2024-01-01T24:00:00Z' }),
      'rules[0].constraints[0].value',
    ],
    [
      'a DATE_ value that is an invalid Date',
      rule({ attribute: 'a', operator: 'DATE_AFTER', value: new Date('x') }),
      'rules[0].constraints[0].value',
    ],
    [
      'a SEMVER_ value that is not a version',
      rule({ attribute: 'a', operator: 'SEMVER_GT', value: '1.2' }),
      'rules[0].constraints[0].value',
    ],
    [
      'a SEMVER_ value with a leading v',
      rule({ attribute: 'a', operator: 'SEMVER_EQ', value: 'v2.0.0' }),
      'rules[0].constraints[0].value',
    ],
    [
      'an IN_CIDR value that is not a range',
      rule({ attribute: 'ip', operator: 'IN_CIDR', values: ['10.0.0.0/8', '127.invalid'] }),
      'rules[0].constraints[0].values[1]',
    ],
    [
      'an IN_CIDR prefix out of range',
      rule({ attribute: 'ip', operator: 'IN_CIDR', values: ['10.0.0.0/33'] }),
      'rules[0].constraints[0].values[0]',
    ],
    [
      'a REGEX value that is not a pattern',
      rule({ attribute: 'a', operator: 'REGEX', values: ['(open'] }),
      'rules[0].constraints[0].values[0]',
    ],
    [
      'a REGEX value with RE2-only inline flags',
      rule({ attribute: 'a', operator: 'REGEX', values: ['(?i)abc'] }),
      'rules[0].constraints[0].values[0]',
    ],
    [
      'a REGEX value with a back-reference',
      rule({ attribute: 'a', operator: 'REGEX', values: ['^(a)\\1$'] }),
      'rules[0].constraints[0].values[0]',
    ],
    [
      'a REGEX value with a look-ahead',
      rule({ attribute: 'a', operator: 'REGEX', values: ['^(?=a)b'] }),
      'rules[0].constraints[0].values[0]',
    ],
    [
      'REGEX flags outside imsu',
      rule({ attribute: 'a', operator: 'REGEX', values: ['a'], flags: 'g' }),
      'rules[0].constraints[0].flags',
    ],
    [
      'flags on another operator',
      rule({ attribute: 'a', operator: 'IN', values: ['a'], flags: 'i' }),
      'rules[0].constraints[0].flags',
    ],
    [
      'an IN_SEGMENT naming a segment that does not exist',
      rule({ operator: 'IN_SEGMENT', values: ['ghosts'] }),
      'rules[0].constraints[0].values[0]',
    ],
    [
      'an IN_SEGMENT with an attribute',
      rule({ attribute: 'a', operator: 'IN_SEGMENT', values: ['testers'] }),
      'rules[0].constraints[0].attribute',
    ],
    ['a missing attribute', rule({ operator: 'IN', values: ['x'] }), 'rules[0].constraints[0].attribute'],
    [
      'an unknown field',
      rule({ attribute: 'a', operator: 'IN', values: ['x'], negate: true }),
      'rules[0].constraints[0].negate',
    ],
    [
      'inverted that is not a boolean',
      rule({ attribute: 'a', operator: 'IN', values: ['x'], inverted: 'yes' }),
      'rules[0].constraints[0].inverted',
    ],
    ['a percentage of 101', [{ constraints: [], percentage: 101 }], 'rules[0].percentage'],
    ['a percentage of 50.5', [{ constraints: [], percentage: 50.5 }], 'rules[0].percentage'],
    ['a rule without constraints', [{ name: 'x' }], 'rules[0].constraints'],
    ['rules that are not a list', { constraints: [] }, 'rules'],
  ])('%s', async (_what, rules, field) => {
    const rollout = await setup();
    const before = await everything(rollout);
    for (const write of [
      () => rollout.setRules('f', rules as never),
      () => rollout.addFunc('g', { rules: rules as never }),
    ]) {
      const error = await refusal(write);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error.field).toBe(field);
    }
    expect(await everything(rollout)).toEqual(before);
  });

  it('a rule is read back by getFunc as written (a Date value as its ISO string)', async () => {
    const rollout = await setup();
    const rules = [
      {
        name: 'January sale',
        constraints: [
          { attribute: 'currentTime', operator: 'DATE_AFTER' as const, value: new Date('2030-01-01T00:00:00Z') },
          { attribute: 'email', operator: 'REGEX' as const, values: ['@example\\.com$'], flags: 'i', inverted: true },
        ],
        percentage: 25,
      },
    ];
    await rollout.setRules('f', rules);
    expect((await rollout.getFunc('f'))!.rules).toEqual([
      {
        name: 'January sale',
        constraints: [
          { attribute: 'currentTime', operator: 'DATE_AFTER', value: '2030-01-01T00:00:00.000Z' },
          { attribute: 'email', operator: 'REGEX', values: ['@example\\.com$'], flags: 'i', inverted: true },
        ],
        percentage: 25,
      },
    ]);
    rules[0]!.percentage = 99; // changing what was written changes nothing stored
    expect((await rollout.getFunc('f'))!.rules![0]!.percentage).toBe(25);
  });

  it('a feature that does not exist: setRules is FeatureNotFoundError, nothing created', async () => {
    const rollout = await setup();
    await expect(rollout.setRules('ghost', [])).rejects.toMatchObject({ code: 'HANOI_FEATURE_NOT_FOUND' });
    expect(await rollout.getFunc('ghost')).toBeUndefined();
  });
});
