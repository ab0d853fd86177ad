import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bucket, crc32, MemoryBackend, Rollout } from '@hanoi/core';

interface Vector {
  id: string;
  crc32: number;
  bucket: number;
}

const { vectors } = JSON.parse(readFileSync(join(__dirname, '../fixtures/bucketing.json'), 'utf8')) as {
  vectors: Vector[];
};

describe('bucketing (SPEC: crc32(utf8(id)) % 100, unsigned)', () => {
  it('has golden vectors to check', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(20);
  });

  it('matches the check value of the IEEE CRC-32', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
  });

  it.each(vectors)('crc32 and bucket of $id', ({ id, crc32: expectedCrc, bucket: expectedBucket }) => {
    expect(crc32(id)).toBe(expectedCrc);
    expect(bucket(id)).toBe(expectedBucket);
  });

  it.each(vectors)('a feature at p% is on for $id exactly when its bucket is under p', async ({ id, bucket: b }) => {
    const rollout = new Rollout(new MemoryBackend());
    await rollout.addFunc('f', { percentage: b });
    expect(await rollout.isEnabled('f', id)).toBe(false);
    await rollout.setPercentage('f', b + 1);
    expect(await rollout.isEnabled('f', id)).toBe(true);
  });
});
