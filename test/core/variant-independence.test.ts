import { MemoryBackend, Rollout, type VariantInput } from '@hanoi/core';
import { referenceBucket } from '@hanoi/core/testing';

const ids = Array.from({ length: 20_000 }, (_, i) => `u-${String(i).padStart(7, '0')}`);

async function rolloutWith(features: Record<string, VariantInput[]>): Promise<Rollout> {
  const rollout = new Rollout(new MemoryBackend());
  for (const [name, variants] of Object.entries(features)) await rollout.addFunc(name, { percentage: 100, variants });
  return rollout;
}

/** The share (in points) of users whose variant of `a` has the same index as their variant of `b`. */
async function agreement(rollout: Rollout, a: string, b: string, order: Record<string, string[]>): Promise<number> {
  let same = 0;
  for (const id of ids) {
    const features = await rollout.forUser(id);
    if (order[a]!.indexOf(features.variant(a)!) === order[b]!.indexOf(features.variant(b)!)) same++;
  }
  return (100 * same) / ids.length;
}

describe('variants are independent across features (SPEC: within 3 points over 20,000 users)', () => {
  it('two 2-variant experiments agree for about half of the users', async () => {
    const order = { checkout: ['a', 'b'], search: ['x', 'y'] };
    const rollout = await rolloutWith(order);
    expect(Math.abs((await agreement(rollout, 'checkout', 'search', order)) - 50)).toBeLessThanOrEqual(3);
  });

  it('also when the names differ by one character', async () => {
    const order = { exp1: ['a', 'b'], exp2: ['a', 'b'] };
    const rollout = await rolloutWith(order);
    expect(Math.abs((await agreement(rollout, 'exp1', 'exp2', order)) - 50)).toBeLessThanOrEqual(3);
  });

  it('two 3-variant experiments agree for about a third', async () => {
    const order = { one: ['a', 'b', 'c'], two: ['a', 'b', 'c'] };
    const rollout = await rolloutWith(order);
    expect(Math.abs((await agreement(rollout, 'one', 'two', order)) - 100 / 3)).toBeLessThanOrEqual(3);
  });

  it('the variant does not follow the bucket: low and high buckets split alike', async () => {
    const rollout = await rolloutWith({ exp: ['a', 'b'] });
    const aShare = async (subset: string[]) => {
      let a = 0;
      for (const id of subset) if ((await rollout.variant('exp', id)) === 'a') a++;
      return (100 * a) / subset.length;
    };
    const low = ids.filter((id) => referenceBucket(id) < 10);
    const odd = ids.filter((id) => referenceBucket(id) % 2 === 1);
    expect(Math.abs((await aShare(low)) - 50)).toBeLessThanOrEqual(5);
    expect(Math.abs((await aShare(odd)) - 50)).toBeLessThanOrEqual(3);
  });
});

describe('variants are sticky (SPEC: same in every process, after a restart)', () => {
  it('fresh Rollouts on fresh backends give every user the same variant', async () => {
    const variants = ['red', 'green', { name: 'blue', weight: 2 }];
    const first = await rolloutWith({ colour: variants });
    const second = await rolloutWith({ colour: variants });
    const sample = ids.slice(0, 500);
    const a = await Promise.all(sample.map((id) => first.variant('colour', id)));
    const b = await Promise.all(sample.map((id) => second.variant('colour', id)));
    expect(b).toEqual(a);
    expect(new Set(a)).toEqual(new Set(['red', 'green', 'blue']));
  });

  it('changing the percentage, users or patterns does not move anyone’s variant', async () => {
    const rollout = await rolloutWith({ exp: ['a', 'b', 'c'] });
    const sample = ids.slice(0, 300);
    const before = await Promise.all(sample.map((id) => rollout.variant('exp', id)));
    await rollout.setPercentage('exp', 99);
    await rollout.register('exp', sample);
    await rollout.register('exp', /^u-/);
    expect(await Promise.all(sample.map((id) => rollout.variant('exp', id)))).toEqual(before);
  });

  it('42 and "42" get the same variant', async () => {
    const rollout = await rolloutWith({ exp: ['a', 'b', 'c', 'd', 'e'] });
    for (const n of [0, 7, 42, 1234567])
      expect(await rollout.variant('exp', n)).toBe(await rollout.variant('exp', String(n)));
  });
});
