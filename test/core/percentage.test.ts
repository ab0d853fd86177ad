import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryBackend, Rollout } from '@hanoi/core';
import { idInBucket, idsWhere, referenceBucket, referenceCrc32 } from '@hanoi/core/testing';

const { vectors } = JSON.parse(readFileSync(join(__dirname, '../fixtures/bucketing.json'), 'utf8')) as {
  vectors: { id: string; crc32: number; bucket: number }[];
};

const fresh = () => new Rollout(new MemoryBackend());

describe('the test suite’s own CRC-32 (so ids can be picked by bucket without the code under test)', () => {
  it('has the IEEE check value', () => {
    expect(referenceCrc32('123456789')).toBe(0xcbf43926);
  });

  it.each(vectors)('agrees with the golden vector for $id', ({ id, crc32, bucket }) => {
    expect(referenceCrc32(id)).toBe(crc32);
    expect(referenceBucket(id)).toBe(bucket);
  });
});

describe('percentages (SPEC: on for buckets 0 .. p-1)', () => {
  const edge = { b0: idInBucket(0), b1: idInBucket(1), b98: idInBucket(98), b99: idInBucket(99) };

  it('0% is nobody, bucket 0 included', async () => {
    const rollout = fresh();
    await rollout.addFunc('f', { percentage: 0 });
    for (const id of Object.values(edge)) expect(await rollout.isEnabled('f', id)).toBe(false);
  });

  it('1% is bucket 0 only', async () => {
    const rollout = fresh();
    await rollout.addFunc('f', { percentage: 1 });
    expect(await rollout.isEnabled('f', edge.b0)).toBe(true);
    expect(await rollout.isEnabled('f', edge.b1)).toBe(false);
  });

  it('99% is everyone but bucket 99', async () => {
    const rollout = fresh();
    await rollout.addFunc('f', { percentage: 99 });
    expect(await rollout.isEnabled('f', edge.b98)).toBe(true);
    expect(await rollout.isEnabled('f', edge.b99)).toBe(false);
  });

  it('100% is everyone', async () => {
    const rollout = fresh();
    await rollout.addFunc('f', { percentage: 100 });
    for (const id of Object.values(edge)) expect(await rollout.isEnabled('f', id)).toBe(true);
  });

  it('the README’s 444401 is bucket 85 (unsigned), so on at 86% and off at 85%', async () => {
    const rollout = fresh();
    await rollout.addFunc('cdc_on', { percentage: 85 });
    expect(await rollout.isEnabled('cdc_on', '444401')).toBe(false);
    await rollout.setPercentage('cdc_on', 86);
    expect(await rollout.isEnabled('cdc_on', '444401')).toBe(true);
  });

  it('a number id is bucketed as its string', async () => {
    const rollout = fresh();
    const id = Number(idsWhere((b) => b === 0, 1, '7')[0]);
    await rollout.addFunc('f', { percentage: 1 });
    expect(await rollout.isEnabled('f', id)).toBe(true);
    expect(await rollout.isEnabled('f', String(id))).toBe(true);
  });

  it('at every p, exactly the ids with bucket < p: raising p only adds users', async () => {
    const rollout = fresh();
    const ids = idsWhere(() => true, 300, 'mono-');
    await rollout.addFunc('f');
    let previous = new Set<string>();
    for (let p = 0; p <= 100; p += 5) {
      await rollout.setPercentage('f', p);
      const on = new Set<string>();
      for (const id of ids) if (await rollout.isEnabled('f', id)) on.add(id);
      expect([...on].sort()).toEqual(ids.filter((id) => referenceBucket(id) < p).sort());
      for (const id of previous) expect(on.has(id)).toBe(true);
      previous = on;
    }
    expect(previous.size).toBe(300);
  });
});

describe('no user (SPEC rule 2: enabled && percentage === 100, unlike Python hanoi)', () => {
  it.each([
    [0, true, false],
    [50, true, false],
    [99, true, false],
    [100, true, true],
    [100, false, false],
  ])('at %i%%, enabled %s: %s', async (percentage, enabled, expected) => {
    const rollout = fresh();
    await rollout.addFunc('f', { percentage, enabled });
    expect(await rollout.isEnabled('f')).toBe(expected);
    expect((await rollout.forUser()).isEnabled('f')).toBe(expected);
    expect(rollout.getCurrentId()).toBeUndefined();
  });
});
