import {
  FeatureDisabledError,
  InvalidArgumentError,
  MemoryBackend,
  MissingUserError,
  Rollout,
  type UserContext,
} from '@hanoi/core';
import { refusal } from './refused';
import { everything, idInBucket } from '@hanoi/core/testing';

/** A feature decided by a rule on `country`, and one with no targeting at all. */
async function setup() {
  const rollout = new Rollout(new MemoryBackend());
  await rollout.addFunc('dutch', {
    rules: [{ name: 'NL', constraints: [{ attribute: 'country', operator: 'IN', values: ['NL'] }] }],
  });
  await rollout.addFunc('plain', { percentage: 30, variants: ['a', 'b'] });
  await rollout.register('plain', 'listed');
  return rollout;
}

const nl: UserContext = { id: 'u1', country: 'NL', plan: 'pro' };
const de: UserContext = { id: 'u1', country: 'DE', plan: 'pro' };

describe('a user is an id or a context { id?, ...attributes } (SPEC: Users with attributes)', () => {
  it('isEnabled, variant and explain take a context; its attributes decide a rule', async () => {
    const rollout = await setup();
    expect(await rollout.isEnabled('dutch', nl)).toBe(true);
    expect(await rollout.isEnabled('dutch', de)).toBe(false);
    expect(await rollout.isEnabled('dutch', 'u1')).toBe(false); // a plain id has no country
    expect(await rollout.explain('dutch', nl)).toEqual({
      enabled: true,
      reason: 'rule',
      rule: { index: 0, name: 'NL' },
    });
  });

  it('a plain id x is the context { id: x }: same answers, variants and explanations on a feature without targeting', async () => {
    const rollout = await setup();
    for (const id of ['listed', idInBucket(29), idInBucket(30), 'someone', 42]) {
      const context = { id, country: 'NL' };
      expect(await rollout.isEnabled('plain', context)).toBe(await rollout.isEnabled('plain', id));
      expect(await rollout.variant('plain', context)).toBe(await rollout.variant('plain', id));
      expect(await rollout.explain('plain', context)).toEqual(await rollout.explain('plain', id));
      expect((await rollout.forUser(context)).isEnabled('plain')).toBe(await rollout.isEnabled('plain', id));
    }
  });

  it('a context without an id is anonymous but still has attributes', async () => {
    const rollout = await setup();
    expect(await rollout.isEnabled('dutch', { country: 'NL' })).toBe(true);
    expect(await rollout.explain('plain', { country: 'NL' })).toEqual({
      enabled: false,
      reason: 'no-user',
      percentage: 30,
    });
  });

  it('forUser and forUserNow take a context; the answers are synchronous', async () => {
    const rollout = await setup();
    const features = await rollout.forUser(nl);
    expect(features.userId).toBe('u1');
    expect(features.isEnabled('dutch')).toBe(true);
    expect(features.explain('dutch')).toEqual({ enabled: true, reason: 'rule', rule: { index: 0, name: 'NL' } });
    expect(rollout.forUserNow(de)!.isEnabled('dutch')).toBe(false);
  });

  it('withCurrentId and setCurrentId take a context: checks without a user answer for it', async () => {
    const rollout = await setup();
    await rollout.withCurrentId(nl, async () => {
      expect(rollout.getCurrentId()).toBe('u1');
      expect(await rollout.isEnabled('dutch')).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(await rollout.isEnabled('dutch')).toBe(true);
    });
    expect(rollout.getCurrentId()).toBeUndefined();
    await (async () => {
      rollout.setCurrentId(de);
      expect(await rollout.isEnabled('dutch')).toBe(false);
      expect(rollout.getCurrentId()).toBe('u1');
    })();
  });

  it('withFeatures keeps the context: rollout.isEnabled inside answers from it', async () => {
    const rollout = await setup();
    const features = await rollout.forUser(nl);
    await rollout.withFeatures(features, async () => {
      expect(await rollout.isEnabled('dutch')).toBe(true);
      expect(await rollout.isEnabled('dutch', de)).toBe(false); // an explicit user wins
    });
  });

  it('check reads a context from the current user, a position or a function', async () => {
    const rollout = await setup();
    const fn = jest.fn(async (user: UserContext) => user.id);
    await expect(rollout.check('dutch', 1)(fn)(nl)).resolves.toBe('u1');
    await expect(rollout.check('dutch', 1)(fn)(de)).rejects.toBeInstanceOf(FeatureDisabledError);
    const byFunction = rollout.check(
      'dutch',
      (req: { user: UserContext }) => req.user,
    )(async (_req: { user: UserContext }) => 'ran');
    await expect(byFunction({ user: nl })).resolves.toBe('ran');
    const current = rollout.check('dutch')(async () => 'ran');
    await expect(rollout.withCurrentId(nl, () => current())).resolves.toBe('ran');
    await expect(rollout.withCurrentId(de, () => current())).rejects.toBeInstanceOf(FeatureDisabledError);
    await expect(current()).rejects.toBeInstanceOf(MissingUserError);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('attribute values: strings, finite numbers, booleans, Dates, lists of strings; null and undefined are missing', async () => {
    const rollout = await setup();
    const context = {
      id: 'u1',
      country: 'NL',
      age: 42,
      beta: true,
      signedUp: new Date('2024-01-01T00:00:00Z'),
      groups: ['a', 'b'],
      nothing: null,
      unset: undefined,
    };
    expect(await rollout.isEnabled('dutch', context)).toBe(true);
  });
});

describe('invalid contexts through the API are an InvalidArgumentError naming the attribute, and change nothing', () => {
  it.each([
    ['an object', { id: 'u1', country: { code: 'NL' } }, 'attribute country'],
    ['NaN', { id: 'u1', age: NaN }, 'attribute age'],
    ['Infinity', { id: 'u1', age: Infinity }, 'attribute age'],
    ['a function', { id: 'u1', country: () => 'NL' }, 'attribute country'],
    ['an invalid Date', { id: 'u1', since: new Date('nope') }, 'attribute since'],
    ['a list with a number', { id: 'u1', groups: ['a', 1] }, 'attribute groups'],
    ['a lone surrogate', { id: 'u1', country: 'N\ud800' }, 'attribute country'],
    ['an invalid id', { id: NaN, country: 'NL' }, 'user id'],
    ['an empty id', { id: '', country: 'NL' }, 'user id'],
    ['a name of 129 characters', { id: 'u1', ['x'.repeat(129)]: 'v' }, 'attribute name'],
  ])('%s', async (_what, context, field) => {
    const rollout = await setup();
    const before = await everything(rollout);
    const bad = context as never;
    for (const call of [
      () => rollout.isEnabled('dutch', bad),
      () => rollout.variant('plain', bad),
      () => rollout.explain('dutch', bad),
      () => rollout.forUser(bad),
      () => rollout.withCurrentId(bad, () => 1),
      () => rollout.setCurrentId(bad),
      () => rollout.check('dutch', 1)(async (_user: unknown) => 1)(bad),
    ]) {
      const error = await refusal(call);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error.field).toBe(field);
    }
    expect(rollout.getCurrentId()).toBeUndefined();
    expect(await everything(rollout)).toEqual(before);
  });
});
