import { MemoryBackend, Rollout } from '@hanoi/core';

async function setup() {
  const rollout = new Rollout(new MemoryBackend());
  await rollout.addFunc('beta');
  await rollout.register('beta', 'alice');
  await rollout.addFunc('exp', { percentage: 100, variants: ['a', 'b', 'c'] });
  return rollout;
}

describe('forUser(id): every answer for one user, synchronously', () => {
  it('answers like isEnabled and variant', async () => {
    const rollout = await setup();
    for (const id of ['alice', 'bob', 42]) {
      const features = await rollout.forUser(id);
      expect(features.userId).toBe(String(id));
      expect(features.isEnabled('beta')).toBe(await rollout.isEnabled('beta', id));
      expect(features.variant('exp')).toBe(await rollout.variant('exp', id));
    }
  });

  it('keeps its first answer per feature while definitions change (one request, one answer)', async () => {
    const rollout = await setup();
    const features = await rollout.forUser('alice');
    expect(features.isEnabled('beta')).toBe(true);
    const before = features.variant('exp');
    await rollout.disable('beta');
    await rollout.setVariants('exp', ['z']);
    expect(features.isEnabled('beta')).toBe(true);
    expect(features.variant('exp')).toBe(before);
    const later = await rollout.forUser('alice');
    expect([later.isEnabled('beta'), later.variant('exp')]).toEqual([false, 'z']);
  });

  it('keeps the answers of many features asked in turn, in any order, while definitions change', async () => {
    const rollout = new Rollout(new MemoryBackend());
    const names = Array.from({ length: 20 }, (_, i) => `f${i}`);
    for (const [i, name] of names.entries()) {
      await rollout.addFunc(name, { percentage: i % 2 === 0 ? 100 : 0, variants: ['a', 'b', 'c'] });
    }
    const features = await rollout.forUser('alice');
    const first = new Map<string, [boolean, string | undefined]>();
    for (const name of names) {
      first.set(name, [await rollout.isEnabled(name, 'alice'), await rollout.variant(name, 'alice')]);
      expect([features.isEnabled(name), features.variant(name)]).toEqual(first.get(name));
    }
    for (const name of names) await rollout.disable(name);
    for (const name of [...names].reverse()) {
      expect([features.isEnabled(name), features.variant(name)]).toEqual(first.get(name));
    }
    expect(features.enabled()).toEqual(names.filter((_, i) => i % 2 === 0));
  });

  it('with no user and none current: anonymous, only enabled-at-100% features', async () => {
    const rollout = await setup();
    const features = await rollout.forUser();
    expect(features.userId).toBeUndefined();
    expect(features.isEnabled('beta')).toBe(false);
    expect(features.isEnabled('exp')).toBe(true);
    expect(features.variant('exp')).toBeUndefined();
    expect(features.enabled()).toEqual(['exp']);
  });

  it('takes the current user when none is given', async () => {
    const rollout = await setup();
    const features = await rollout.withCurrentId('alice', () => rollout.forUser());
    expect(features.userId).toBe('alice');
    expect(features.isEnabled('beta')).toBe(true);
  });
});

describe('withFeatures(view, fn): the view answers inside fn', () => {
  it('makes the view’s user current and rollout.isEnabled answer from it', async () => {
    const rollout = await setup();
    const features = await rollout.forUser('alice');
    expect(features.isEnabled('beta')).toBe(true); // worked out now, and kept
    const seen = await rollout.withFeatures(features, async () => {
      await rollout.disable('beta');
      return [rollout.getCurrentId(), await rollout.isEnabled('beta'), await rollout.variant('exp')];
    });
    expect(seen).toEqual(['alice', true, features.variant('exp')]);
    expect(await rollout.isEnabled('beta', 'alice')).toBe(false);
    expect(rollout.getCurrentId()).toBeUndefined();
  });

  it('an explicit other user inside is answered afresh, not from the view', async () => {
    const rollout = await setup();
    const features = await rollout.forUser('alice');
    await rollout.register('beta', 'bob');
    expect(await rollout.withFeatures(features, () => rollout.isEnabled('beta', 'bob'))).toBe(true);
    expect(await rollout.withFeatures(features, () => rollout.isEnabled('beta', 'carol'))).toBe(false);
  });

  it('an invalid id inside is still refused, even beside a view whose user is "NaN"', async () => {
    const rollout = await setup();
    const features = await rollout.forUser('NaN');
    const inside = <T>(fn: () => Promise<T>) => rollout.withFeatures(features, fn);
    await expect(inside(() => rollout.isEnabled('beta', NaN))).rejects.toMatchObject({ field: 'user id' });
    await expect(inside(() => rollout.variant('exp', NaN))).rejects.toMatchObject({ field: 'user id' });
    await expect(inside(() => rollout.explain('beta', ''))).rejects.toMatchObject({ field: 'user id' });
    expect(await inside(() => rollout.isEnabled('exp', 'NaN'))).toBe(true);
  });

  it('refuses anything but a view from forUser', async () => {
    const rollout = await setup();
    expect(() => rollout.withFeatures({} as never, () => 1)).toThrow(
      expect.objectContaining({ code: 'HANOI_INVALID_ARGUMENT', field: 'features' }),
    );
  });
});
