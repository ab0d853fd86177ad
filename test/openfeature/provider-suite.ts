import type { Rollout } from '@hanoi/core';
import { idInBucket, loadVariantVectors } from '@hanoi/core/testing';
import { HanoiProvider } from '@hanoi/openfeature';
import {
  AsyncLocalStorageTransactionContextPropagator,
  ErrorCode,
  OpenFeature,
  ProviderEvents,
  type Client,
  type EvaluationContext,
  type EventDetails,
} from '@openfeature/server-sdk';
import { randomBytes } from 'node:crypto';

/** A Rollout on a fresh, empty store, and how to release it. */
export interface ProviderSubject {
  rollout: Rollout;
  /** Releases the store (the provider never does). */
  release(): Promise<void>;
}

/** A domain no other test binds, so OpenFeature's global registry never mixes tests. */
export function freshDomain(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}`;
}

/** Binds a provider over `rollout` to a fresh domain, waits for it, and returns the domain's client. */
export async function clientFor(
  rollout: Rollout,
  label = 'hanoi',
): Promise<{ client: Client; provider: HanoiProvider }> {
  const domain = freshDomain(label);
  const provider = new HanoiProvider(rollout);
  await OpenFeature.setProviderAndWait(domain, provider);
  return { client: OpenFeature.getClient(domain), provider };
}

/** Collects a client's events of one type. */
export function eventsOf(client: Client, type: ProviderEvents): EventDetails<ProviderEvents.ConfigurationChanged>[] {
  const seen: EventDetails<ProviderEvents.ConfigurationChanged>[] = [];
  client.addHandler(type, (details) => void seen.push(details!));
  return seen;
}

// Golden variants (test/fixtures/variant-vectors.json), not what the code answers.
const vectors = loadVariantVectors().cases;
function golden(feature: string, userId: string, names: string[]): string {
  const found = vectors.find(
    (c) => c.feature === feature && c.userId === userId && c.variants.map((v) => v.name).join() === names.join(),
  );
  if (!found) throw new Error(`no golden case for ${feature}/${userId}`);
  return found.variant;
}

/**
 * Every resolution type, reason and error code through the real
 * `@openfeature/server-sdk` client, over a Rollout on the store `make` gives.
 */
export function describeProvider(name: string, make: () => Promise<ProviderSubject>): void {
  describe(`HanoiProvider on ${name}`, () => {
    let subject: ProviderSubject;
    let rollout: Rollout;
    let client: Client;
    const inBucket5 = idInBucket(5);
    const inBucket50 = idInBucket(50);

    beforeAll(() => {
      OpenFeature.setTransactionContextPropagator(new AsyncLocalStorageTransactionContextPropagator());
    });

    beforeEach(async () => {
      subject = await make();
      rollout = subject.rollout;
      await rollout.ready();
      await rollout.addFunc('everyone', { percentage: 100 });
      await rollout.addFunc('split', { percentage: 30 });
      await rollout.addFunc('listed', { percentage: 0 });
      await rollout.register('listed', 'alice');
      await rollout.register('listed', /^adm/i);
      await rollout.addFunc('off', { percentage: 100, enabled: false });
      ({ client } = await clientFor(rollout));
    });

    afterEach(async () => {
      await OpenFeature.clearProviders();
      await subject.release();
    });

    describe('attributes of the evaluation context', () => {
      beforeEach(async () => {
        await rollout.addFunc('dutch', {
          rules: [{ name: 'nl', constraints: [{ attribute: 'country', operator: 'IN', values: ['NL'] }] }],
          variants: [{ name: 'only', weight: 1, value: 'hallo' }],
        });
      });

      it('reach the rules: a rule on an attribute decides, with its step in the metadata', async () => {
        expect(await client.getBooleanDetails('dutch', false, { targetingKey: 'u1', country: 'NL' })).toMatchObject({
          value: true,
          reason: 'TARGETING_MATCH',
          flagMetadata: { reason: 'rule' },
        });
        expect(await client.getBooleanDetails('dutch', true, { targetingKey: 'u1', country: 'DE' })).toMatchObject({
          value: false,
          reason: 'DEFAULT',
        });
        expect(await client.getStringValue('dutch', 'default', { targetingKey: 'u2', country: 'NL' })).toBe('hallo');
        expect(await client.getStringValue('dutch', 'default', { targetingKey: 'u2', country: 'BE' })).toBe('default');
      });

      it('with no targetingKey, an anonymous user with those attributes', async () => {
        expect(await client.getBooleanValue('dutch', false, { country: 'NL' })).toBe(true);
        expect(await client.getBooleanValue('dutch', true, { country: 'FR' })).toBe(false);
      });
    });

    describe('boolean flags', () => {
      it.each([
        ['everyone', 'bob', true, 'STATIC', { reason: 'everyone' }],
        ['split', 'inBucket5', true, 'SPLIT', { reason: 'bucket', bucket: 5, percentage: 30 }],
        ['split', 'inBucket50', false, 'DEFAULT', { reason: 'bucket', bucket: 50, percentage: 30 }],
        ['listed', 'alice', true, 'TARGETING_MATCH', { reason: 'listed' }],
        ['listed', 'ADMIN-1', true, 'TARGETING_MATCH', { reason: 'pattern', pattern: '/^adm/i' }],
        ['off', 'alice', false, 'DISABLED', { reason: 'disabled' }],
      ])('%s for %s: %s, %s', async (flag, who, value, reason, metadata) => {
        const id = who === 'inBucket5' ? inBucket5 : who === 'inBucket50' ? inBucket50 : who;
        const details = await client.getBooleanDetails(flag, !value, { targetingKey: id });
        expect(details).toMatchObject({ flagKey: flag, value, reason, flagMetadata: metadata });
        expect(details.errorCode).toBeUndefined();
        expect(await client.getBooleanValue(flag, !value, { targetingKey: id })).toBe(value);
      });

      it('with no user at all: on only at 100% (STATIC), else off (DEFAULT)', async () => {
        expect(await client.getBooleanDetails('everyone', false)).toMatchObject({ value: true, reason: 'STATIC' });
        expect(await client.getBooleanDetails('split', true)).toMatchObject({
          value: false,
          reason: 'DEFAULT',
          flagMetadata: { reason: 'no-user', percentage: 30 },
        });
      });

      it('an unknown flag is FLAG_NOT_FOUND with the default value', async () => {
        for (const fallback of [true, false]) {
          expect(await client.getBooleanDetails('ghost', fallback, { targetingKey: 'alice' })).toMatchObject({
            value: fallback,
            reason: 'ERROR',
            errorCode: ErrorCode.FLAG_NOT_FOUND,
          });
        }
        expect(await client.getBooleanDetails('not a name', true)).toMatchObject({ errorCode: 'FLAG_NOT_FOUND' });
      });
    });

    describe('string, number and object flags read the variant', () => {
      it("a string flag reads the variant's name when variants carry no value", async () => {
        await rollout.addFunc('cdc_on', { percentage: 100, variants: ['foo', 'bar'] });
        for (const id of ['443301', 'alice']) {
          const variant = golden('cdc_on', id, ['foo', 'bar']);
          expect(await client.getStringDetails('cdc_on', 'none', { targetingKey: id })).toMatchObject({
            value: variant,
            variant,
            reason: 'STATIC',
          });
        }
      });

      it('string, number and object values, with the variant name and the reason', async () => {
        const names = ['red', 'green', 'blue'];
        const strings = { red: '#f00', green: '#0f0', blue: '#00f' } as Record<string, string>;
        const numbers = { red: 1, green: 2.5, blue: -3 } as Record<string, number>;
        await rollout.addFunc('cdc_on', {
          percentage: 100,
          variants: names.map((n) => ({ name: n, value: strings[n]! })),
        });
        const id = '444401';
        const variant = golden('cdc_on', id, names);
        expect(await client.getStringDetails('cdc_on', 'none', { targetingKey: id })).toMatchObject({
          value: strings[variant],
          variant,
          reason: 'STATIC',
        });
        await rollout.setVariants(
          'cdc_on',
          names.map((n) => ({ name: n, value: numbers[n]! })),
        );
        expect(await client.getNumberDetails('cdc_on', 0, { targetingKey: id })).toMatchObject({
          value: numbers[variant],
          variant,
        });
        await rollout.setVariants(
          'cdc_on',
          names.map((n) => ({ name: n, value: { color: n, list: [n] } })),
        );
        const details = await client.getObjectDetails('cdc_on', {}, { targetingKey: id });
        expect(details).toMatchObject({ value: { color: variant, list: [variant] }, variant, reason: 'STATIC' });
        // The value handed out is the caller's own copy.
        (details.value as { list: string[] }).list.push('changed');
        expect(await client.getObjectValue('cdc_on', {}, { targetingKey: id })).toEqual({
          color: variant,
          list: [variant],
        });
      });

      it('reasons follow the explanation: a listed user is TARGETING_MATCH, a bucket SPLIT', async () => {
        await rollout.addFunc('listed', { variants: [{ name: 'only', value: 7 }] });
        expect(await client.getNumberDetails('listed', 0, { targetingKey: 'alice' })).toMatchObject({
          value: 7,
          variant: 'only',
          reason: 'TARGETING_MATCH',
          flagMetadata: { reason: 'listed' },
        });
        await rollout.addFunc('split', { variants: [{ name: 'only', value: 8 }] });
        expect(await client.getNumberDetails('split', 0, { targetingKey: inBucket5 })).toMatchObject({
          value: 8,
          reason: 'SPLIT',
        });
      });

      it('off for the user, or disabled: the default value, reason DEFAULT or DISABLED, no variant', async () => {
        await rollout.addFunc('split', { variants: [{ name: 'a', value: 'A' }] });
        await rollout.addFunc('off', { variants: [{ name: 'a', value: 'A' }] });
        const off = await client.getStringDetails('split', 'fallback', { targetingKey: inBucket50 });
        expect(off).toMatchObject({ value: 'fallback', reason: 'DEFAULT' });
        expect(off.variant).toBeUndefined();
        expect(await client.getStringDetails('off', 'fallback', { targetingKey: 'alice' })).toMatchObject({
          value: 'fallback',
          reason: 'DISABLED',
        });
        expect(await client.getObjectDetails('ghost', { d: 1 }, { targetingKey: 'alice' })).toMatchObject({
          value: { d: 1 },
          errorCode: 'FLAG_NOT_FOUND',
        });
      });

      it('TYPE_MISMATCH: a number flag on a string value, an object flag on a number, a value on a flag without variants', async () => {
        await rollout.addFunc('everyone', { variants: [{ name: 'a', value: '5' }] });
        const cases = [
          () => client.getNumberDetails('everyone', 0, { targetingKey: 'bob' }),
          () => client.getObjectDetails('everyone', {}, { targetingKey: 'bob' }),
        ];
        for (const evaluate of cases) {
          expect(await evaluate()).toMatchObject({ reason: 'ERROR', errorCode: ErrorCode.TYPE_MISMATCH });
        }
        await rollout.setVariants('everyone', [{ name: 'a', value: 5 }]);
        expect(await client.getStringDetails('everyone', 'd', { targetingKey: 'bob' })).toMatchObject({
          value: 'd',
          errorCode: 'TYPE_MISMATCH',
        });
        expect(await client.getObjectDetails('everyone', { d: 1 }, { targetingKey: 'bob' })).toMatchObject({
          value: { d: 1 },
          errorCode: 'TYPE_MISMATCH',
        });
        await rollout.setVariants('everyone', ['named-only']);
        expect(await client.getNumberDetails('everyone', 3, { targetingKey: 'bob' })).toMatchObject({
          value: 3,
          errorCode: 'TYPE_MISMATCH',
        });
        await rollout.addFunc('plain', { percentage: 100 });
        const noVariants = await client.getStringDetails('plain', 'd', { targetingKey: 'bob' });
        expect(noVariants).toMatchObject({ value: 'd', errorCode: 'TYPE_MISMATCH' });
        expect(noVariants.errorMessage).toMatch(/no variants/);
      });
    });

    describe('the evaluation context', () => {
      it('attributes of the kinds SPEC names are accepted; the answer follows targetingKey', async () => {
        const context = {
          targetingKey: 'alice',
          country: 'NL',
          age: 42,
          beta: true,
          since: new Date('2026-01-01T00:00:00Z'),
          groups: ['a', 'b'],
          skipped: undefined,
        } as unknown as EvaluationContext;
        expect(await client.getBooleanDetails('listed', false, context)).toMatchObject({ value: true });
        expect(await client.getBooleanDetails('listed', false, { ...context, targetingKey: 'bob' })).toMatchObject({
          value: false,
          reason: 'DEFAULT',
        });
        // A number id is the same user as its string.
        await rollout.register('listed', '42');
        expect(await client.getBooleanValue('listed', false, { targetingKey: 42 as unknown as string })).toBe(true);
      });

      it.each([
        ['null', { targetingKey: 'alice', plan: null }],
        ['an object', { targetingKey: 'alice', plan: { tier: 1 } }],
        ['NaN', { targetingKey: 'alice', score: Number.NaN }],
        ['an invalid Date', { targetingKey: 'alice', since: new Date('nope') }],
        ['an array of numbers', { targetingKey: 'alice', ids: [1, 2] }],
        ['an "id" attribute', { targetingKey: 'alice', id: 'bob' }],
        ['an empty targetingKey', { targetingKey: '' }],
        ['a targetingKey that is too long', { targetingKey: 'x'.repeat(513) }],
        ['an attribute name that is too long', { targetingKey: 'alice', ['n'.repeat(129)]: 'v' }],
      ])('%s is INVALID_CONTEXT, with the default value', async (_label, context) => {
        const details = await client.getBooleanDetails('everyone', false, context as never);
        expect(details).toMatchObject({ value: false, reason: 'ERROR', errorCode: ErrorCode.INVALID_CONTEXT });
        expect(details.errorMessage).toBeTruthy();
        expect(await client.getStringDetails('everyone', 'd', context as never)).toMatchObject({
          value: 'd',
          errorCode: 'INVALID_CONTEXT',
        });
      });

      it('no targetingKey: the current Hanoi user; a targetingKey wins over it', async () => {
        const inside = await rollout.withCurrentId('alice', async () => ({
          current: await client.getBooleanDetails('listed', false),
          explicit: await client.getBooleanDetails('listed', false, { targetingKey: 'bob' }),
        }));
        expect(inside.current).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
        expect(inside.explicit).toMatchObject({ value: false, reason: 'DEFAULT' });
      });

      it("OpenFeature's AsyncLocalStorage propagator: each flow sees its own targetingKey across awaits", async () => {
        const ids = ['alice', 'bob', 'ADMIN-1', 'carol', inBucket5, inBucket50];
        const answers = await Promise.all(
          ids.map(
            (id, i) =>
              new Promise<[string, boolean]>((resolve, reject) => {
                OpenFeature.setTransactionContext({ targetingKey: id }, async () => {
                  try {
                    await new Promise((r) => setTimeout(r, (ids.length - i) * 5));
                    resolve([id, await client.getBooleanValue('listed', false)]);
                  } catch (err) {
                    reject(err);
                  }
                });
              }),
          ),
        );
        expect(answers).toEqual(ids.map((id) => [id, id === 'alice' || id === 'ADMIN-1']));
      });
    });

    describe('events', () => {
      it('PROVIDER_CONFIGURATION_CHANGED names the flags each write changed', async () => {
        const changed = eventsOf(client, ProviderEvents.ConfigurationChanged);
        await rollout.setPercentage('split', 60);
        await rollout.addFunc('fresh', { percentage: 100 });
        await rollout.remove('off');
        await eventuallyTrue(() => changed.length >= 3);
        const flags = changed.flatMap((details) => details.flagsChanged ?? []);
        expect(new Set(flags)).toEqual(new Set(['split', 'fresh', 'off']));
        expect(await client.getBooleanValue('fresh', false, { targetingKey: 'x' })).toBe(true);
        expect(await client.getBooleanDetails('off', false)).toMatchObject({ errorCode: 'FLAG_NOT_FOUND' });
      });
    });
  });
}

/** Polls `condition` every 10 ms until it holds or `ms` pass. */
export async function eventuallyTrue(condition: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
