import { HanoiError, MemoryBackend, Rollout, bucket, type FeatureState } from '@hanoi/core';

// `isEnabled(name, id)` and `variant(name, id)` answer a plain id outside any
// flow on a short path of their own; in a flow (`withCurrentId`) and for a
// context they take the general one. Both must give the same answers, the
// same errors, in the same order, on every kind of feature.

const ids = Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? `user-${i}` : String(447500000000 + i * 7919)));
const listed = ids.filter((_, i) => i % 5 === 0);

/** A MemoryBackend that counts what the checks read: a backend's `peek` may do more than read. */
class CountingBackend extends MemoryBackend {
  peeks = 0;
  override peek(name: string): FeatureState | undefined {
    this.peeks++;
    return super.peek(name);
  }
}

async function makeRollout(): Promise<Rollout> {
  const rollout = new Rollout(new CountingBackend());
  await rollout.addFunc('rollout', { percentage: 50 });
  await rollout.addFunc('listed', { percentage: 0 });
  await rollout.register('listed', listed);
  await rollout.addFunc('patterns', { percentage: 10 });
  await rollout.register('patterns', /^user-1/);
  await rollout.addFunc('experiment', { percentage: 100, variants: ['a', 'b', 'c'] });
  await rollout.addFunc('half-experiment', { percentage: 50, variants: ['a', 'b'] });
  await rollout.addFunc('disabled', { percentage: 100, variants: ['a'] });
  await rollout.toggle('disabled');
  await rollout.addFunc('targeted', {
    percentage: 50,
    variants: ['a', 'b'],
    rules: [{ constraints: [{ attribute: 'id', operator: 'STR_STARTS_WITH', values: ['user-'] }] }],
  });
  return rollout;
}

const FEATURES = ['rollout', 'listed', 'patterns', 'experiment', 'half-experiment', 'disabled', 'targeted', 'unknown'];

describe('a plain id outside a flow answers as the general path does', () => {
  let rollout: Rollout;
  beforeAll(async () => {
    rollout = await makeRollout();
  });

  it.each(FEATURES)('isEnabled and variant on %s, 400 ids', async (name) => {
    for (const id of ids) {
      const direct = [await rollout.isEnabled(name, id), await rollout.variant(name, id)];
      const inFlow = await rollout.withCurrentId(id, async () => [
        await rollout.isEnabled(name),
        await rollout.variant(name),
      ]);
      const asContext = [await rollout.isEnabled(name, { id }), await rollout.variant(name, { id })];
      expect({ id, direct }).toEqual({ id, direct: inFlow });
      expect({ id, direct }).toEqual({ id, direct: asContext });
      expect(direct[0]).toBe((await rollout.explain(name, id)).enabled);
    }
  });

  it.each(FEATURES)('reads the state of %s once per check, whichever path answers', async (name) => {
    const backend = rollout.backend as CountingBackend;
    for (const id of [ids[0]!, ids[1]!, 'user-1', '42']) {
      for (const check of [() => rollout.isEnabled(name, id), () => rollout.variant(name, id)]) {
        const before = backend.peeks;
        await check();
        expect({ id, peeks: backend.peeks - before }).toEqual({ id, peeks: 1 });
      }
    }
  });

  it('answers in the order of the spec: the bucket, the list, a pattern, a rule or the bucket', async () => {
    for (const id of ids) {
      expect(await rollout.isEnabled('rollout', id)).toBe(bucket(id) < 50);
      expect(await rollout.isEnabled('listed', id)).toBe(listed.includes(id));
      expect(await rollout.isEnabled('patterns', id)).toBe(bucket(id) < 10 || /^user-1/.test(id));
      expect(await rollout.isEnabled('disabled', id)).toBe(false);
      expect(await rollout.variant('disabled', id)).toBeUndefined();
      expect(await rollout.isEnabled('targeted', id)).toBe(id.startsWith('user-') || bucket(id) < 50);
      expect(['a', 'b', 'c']).toContain(await rollout.variant('experiment', id));
    }
  });

  it.each([
    ['empty', ''],
    ['too long', 'x'.repeat(10_000)],
    ['a lone surrogate', '\ud800'],
  ])('refuses %s ids on every feature, with or without variants', async (_what, id) => {
    for (const name of FEATURES) {
      for (const check of [() => rollout.isEnabled(name, id), () => rollout.variant(name, id)]) {
        const error = await check().then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(error).toBeInstanceOf(HanoiError);
        expect((error as HanoiError).code).toBe('HANOI_INVALID_ARGUMENT');
      }
    }
  });
});
