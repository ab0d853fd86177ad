import { MemoryBackend, Rollout, type Explanation } from '@hanoi/core';
import { idInBucket } from '@hanoi/core/testing';
import { HanoiProvider } from '@hanoi/openfeature';
import { ErrorCode, type EvaluationContext } from '@openfeature/server-sdk';

// The provider's boolean resolutions, asked directly (no SDK around them, so
// nothing copies or freezes them on the way): each step's reason and
// metadata (packages/openfeature/README.md's table), resolutions that are
// the same on every call shared but frozen, and contexts that are a
// targetingKey alone answered exactly as any other context.

let rollout: Rollout;
let provider: HanoiProvider;
// Buckets from the independent CRC-32 in core's testing helpers, not from the code under test.
const inBucket5 = idInBucket(5);
const inBucket50 = idInBucket(50);

beforeEach(async () => {
  rollout = new Rollout(new MemoryBackend());
  await rollout.addFunc('everyone', { percentage: 100 });
  await rollout.addFunc('split', { percentage: 30 });
  await rollout.addFunc('listed', { percentage: 0 });
  await rollout.register('listed', 'alice');
  await rollout.register('listed', /^adm/i);
  await rollout.addFunc('off', { percentage: 100, enabled: false });
  provider = new HanoiProvider(rollout);
  await provider.initialize();
});

afterEach(async () => {
  await provider.onClose();
});

const resolve = (flag: string, context: EvaluationContext, fallback = false) =>
  provider.resolveBooleanEvaluation(flag, fallback, context);

it.each([
  ['everyone', 'bob', { value: true, reason: 'STATIC', flagMetadata: { reason: 'everyone' } }],
  ['split', inBucket5, { value: true, reason: 'SPLIT', flagMetadata: { reason: 'bucket', bucket: 5, percentage: 30 } }],
  [
    'split',
    inBucket50,
    { value: false, reason: 'DEFAULT', flagMetadata: { reason: 'bucket', bucket: 50, percentage: 30 } },
  ],
  ['listed', 'alice', { value: true, reason: 'TARGETING_MATCH', flagMetadata: { reason: 'listed' } }],
  [
    'listed',
    'ADMIN-1',
    { value: true, reason: 'TARGETING_MATCH', flagMetadata: { reason: 'pattern', pattern: '/^adm/i' } },
  ],
  ['off', 'alice', { value: false, reason: 'DISABLED', flagMetadata: { reason: 'disabled' } }],
])('%s for %s: the same resolution on every call, with or without other attributes', async (flag, id, expected) => {
  for (const context of [
    { targetingKey: id },
    { targetingKey: id, plan: 'pro' },
    { targetingKey: id, gone: undefined } as unknown as EvaluationContext,
  ] as EvaluationContext[]) {
    for (let call = 0; call < 3; call++) expect(await resolve(flag, context, !expected.value)).toEqual(expected);
  }
});

it('a shared resolution is frozen, metadata and all: a caller that writes to one changes no other answer', async () => {
  const first = await resolve('split', { targetingKey: inBucket5 });
  const second = await resolve('split', { targetingKey: inBucket5 });
  expect(() => Object.assign(first, { value: false })).toThrow(TypeError);
  expect(() => Object.assign(second.flagMetadata!, { bucket: 99 })).toThrow(TypeError);
  const everyone = await resolve('everyone', { targetingKey: 'bob' });
  expect(() => Object.assign(everyone.flagMetadata!, { reason: 'listed' })).toThrow(TypeError);
  expect(await resolve('split', { targetingKey: inBucket5 })).toEqual({
    value: true,
    reason: 'SPLIT',
    flagMetadata: { reason: 'bucket', bucket: 5, percentage: 30 },
  });
  expect(await resolve('everyone', { targetingKey: 'carol' })).toMatchObject({ flagMetadata: { reason: 'everyone' } });
});

it('a resolution follows the feature as it changes: a new percentage is new metadata', async () => {
  expect(await resolve('split', { targetingKey: inBucket50 })).toMatchObject({ value: false, reason: 'DEFAULT' });
  await rollout.setPercentage('split', 60);
  expect(await resolve('split', { targetingKey: inBucket50 })).toEqual({
    value: true,
    reason: 'SPLIT',
    flagMetadata: { reason: 'bucket', bucket: 50, percentage: 60 },
  });
  await rollout.disable('split');
  expect(await resolve('split', { targetingKey: inBucket50 })).toEqual({
    value: false,
    reason: 'DISABLED',
    flagMetadata: { reason: 'disabled' },
  });
});

it('with no user: on only at 100% (STATIC), else DEFAULT, the percentage in the metadata', async () => {
  expect(await resolve('everyone', {})).toEqual({
    value: true,
    reason: 'STATIC',
    flagMetadata: { reason: 'no-user', percentage: 100 },
  });
  expect(await resolve('split', {}, true)).toEqual({
    value: false,
    reason: 'DEFAULT',
    flagMetadata: { reason: 'no-user', percentage: 30 },
  });
  expect(await resolve('off', {}, true)).toEqual({
    value: false,
    reason: 'DEFAULT',
    flagMetadata: { reason: 'no-user', percentage: 100 },
  });
});

it('a targetingKey inherited rather than own is not the id, as any inherited attribute is ignored', async () => {
  const inherited = Object.create({ targetingKey: 'alice' }) as EvaluationContext;
  expect(await resolve('listed', inherited)).toMatchObject({ value: false, flagMetadata: { reason: 'no-user' } });
  const inside = await rollout.withCurrentId('alice', () => resolve('listed', inherited));
  expect(inside).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
});

it.each([
  ['empty', ''],
  ['513 characters', 'x'.repeat(513)],
  ['a lone surrogate', 'a\uD800b'],
])('a targetingKey alone that is not an id (%s) is INVALID_CONTEXT naming targetingKey', async (_label, id) => {
  for (const flag of ['everyone', 'split', 'ghost']) {
    const resolution = await resolve(flag, { targetingKey: id }, true);
    expect(resolution).toMatchObject({ value: true, reason: 'ERROR', errorCode: ErrorCode.INVALID_CONTEXT });
    expect(resolution.errorMessage).toMatch(/targetingKey/);
  }
});

it('a Rollout that throws on a targetingKey alone is a GENERAL error, not INVALID_CONTEXT', async () => {
  class Throwing extends Rollout {
    override explainNow(): Explanation | undefined {
      throw new Error('the store fell over');
    }
  }
  const failing = new HanoiProvider(new Throwing(new MemoryBackend()));
  await failing.initialize();
  expect(await failing.resolveBooleanEvaluation('beta', true, { targetingKey: 'alice' })).toEqual({
    value: true,
    reason: 'ERROR',
    errorCode: ErrorCode.GENERAL,
    errorMessage: 'the store fell over',
  });
  await failing.onClose();
});

it('an unknown flag with a targetingKey alone is FLAG_NOT_FOUND with the default value', async () => {
  expect(await resolve('ghost', { targetingKey: 'alice' }, true)).toMatchObject({
    value: true,
    reason: 'ERROR',
    errorCode: ErrorCode.FLAG_NOT_FOUND,
  });
});
