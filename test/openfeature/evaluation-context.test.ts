import { toHanoiUser } from '@hanoi/openfeature';

// The one function that turns an OpenFeature context into a Hanoi user
// (SPEC.md "Users with attributes"): what core will receive once it takes contexts.

it('targetingKey becomes the id (numbers as strings); attributes keep their values; undefined is absent', () => {
  const since = new Date('2026-01-01T00:00:00Z');
  expect(
    toHanoiUser({
      targetingKey: 'u1',
      country: 'NL',
      age: 42,
      beta: false,
      since,
      groups: ['a', 'b'],
      empty: [],
      gone: undefined,
    } as never),
  ).toEqual({ id: 'u1', country: 'NL', age: 42, beta: false, since, groups: ['a', 'b'], empty: [] });
  expect(toHanoiUser({ targetingKey: 42 as unknown as string })).toEqual({ id: '42' });
  expect(toHanoiUser({ plan: 'pro' })).toEqual({ plan: 'pro' });
  expect(toHanoiUser({})).toEqual({});
});

it.each([
  ['null', { plan: null }, /"plan"/],
  ['a nested object', { plan: { tier: 1 } }, /"plan"/],
  ['Infinity', { score: Number.POSITIVE_INFINITY }, /"score"/],
  ['a mixed array', { ids: ['a', 1] }, /"ids"/],
  ['an attribute named id', { id: 'x' }, /targetingKey/],
  ['a targetingKey of 513 characters', { targetingKey: 'x'.repeat(513) }, /targetingKey/],
  ['an empty attribute name', { '': 'v' }, /1 to 128/],
])('%s is an InvalidContextError naming the attribute', (_label, context, message) => {
  let thrown: unknown;
  try {
    toHanoiUser(context as never);
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toMatchObject({ code: 'INVALID_CONTEXT' });
  expect((thrown as Error).message).toMatch(message);
});
