import { MemoryBackend, Rollout, type VariantInput } from '@hanoi/core';
import { referenceBucket } from '@hanoi/core/testing';

/**
 * SPEC "Fair": over ids u-0000000, u-0000001, ... enough that at least
 * 20,000 users have the feature, every variant's share is within 1.5 points
 * of its weight. Ids are picked by the suite's own CRC; that the rollout
 * agrees they have the feature is checked on every one.
 */
const idsByPercentage = new Map<number, string[]>();

/** The first 20,000 ids u-0000000, u-0000001, ... whose bucket is under `percentage`. */
function idsWithFeature(percentage: number): string[] {
  let ids = idsByPercentage.get(percentage);
  if (!ids) {
    ids = [];
    for (let i = 0; ids.length < 20_000 && i < 5_000_000; i++) {
      const id = `u-${String(i).padStart(7, '0')}`;
      if (referenceBucket(id) < percentage) ids.push(id);
    }
    idsByPercentage.set(percentage, ids);
  }
  return ids;
}

async function shares(percentage: number, variants: VariantInput[]): Promise<Map<string, number>> {
  const rollout = new Rollout(new MemoryBackend());
  await rollout.addFunc('experiment', { percentage, variants });
  const ids = idsWithFeature(percentage);
  expect(ids).toHaveLength(20_000);
  const counts = new Map<string | undefined, number>();
  for (const id of ids) {
    const variant = await rollout.variant('experiment', id);
    counts.set(variant, (counts.get(variant) ?? 0) + 1);
  }
  expect(counts.get(undefined)).toBeUndefined(); // every one of them has the feature
  return new Map([...counts].map(([name, count]) => [name!, (100 * count) / ids.length]));
}

describe('variants are fair at any percentage (SPEC: within 1.5 points over 20,000 users)', () => {
  it.each([1, 2, 50, 100])('two variants at %i%% split 50/50', async (percentage) => {
    const split = await shares(percentage, ['a', 'b']);
    expect([...split.keys()].sort()).toEqual(['a', 'b']);
    for (const share of split.values()) expect(Math.abs(share - 50)).toBeLessThanOrEqual(1.5);
  });

  it.each([1, 2])('three variants at %i%% split in thirds', async (percentage) => {
    const split = await shares(percentage, ['a', 'b', 'c']);
    expect(split.size).toBe(3);
    for (const share of split.values()) expect(Math.abs(share - 100 / 3)).toBeLessThanOrEqual(1.5);
  });

  it.each([1, 100])('weighted 90/10 at %i%% splits 90/10', async (percentage) => {
    const split = await shares(percentage, [
      { name: 'control', weight: 90 },
      { name: 'new', weight: 10 },
    ]);
    expect(Math.abs(split.get('control')! - 90)).toBeLessThanOrEqual(1.5);
    expect(Math.abs(split.get('new')! - 10)).toBeLessThanOrEqual(1.5);
  });

  it('weights are relative: 9/1 splits as 90/10', async () => {
    const split = await shares(100, [
      { name: 'control', weight: 9 },
      { name: 'new', weight: 1 },
    ]);
    expect(Math.abs(split.get('new')! - 10)).toBeLessThanOrEqual(1.5);
  });
});
