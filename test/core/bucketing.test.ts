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

  // The CRC-32 bit by bit over the UTF-8 bytes: an independent computation, no table.
  const bitwiseCrc32 = (text: string): number => {
    let c = 0xffffffff;
    for (const byte of Buffer.from(text, 'utf8')) {
      c ^= byte;
      for (let bit = 0; bit < 8; bit++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    return (c ^ 0xffffffff) >>> 0;
  };

  it('equals the bitwise CRC-32 of the UTF-8 bytes for ASCII ids of every length and tail, 0 to 40', () => {
    for (let length = 0; length <= 40; length++) {
      const id = Array.from({ length }, (_, i) => String.fromCharCode(0x20 + ((length * 11 + i * 29) % 0x60))).join('');
      expect(crc32(id)).toBe(bitwiseCrc32(id));
    }
  });

  it('equals the bitwise CRC-32 with a non-ASCII character at any position', () => {
    for (const other of ['\u00e9', '\u20ac', '\u{1f600}', '\u0080']) {
      for (let length = 1; length <= 9; length++) {
        for (let at = 0; at < length; at++) {
          const id = Array.from({ length }, (_, i) => (i === at ? other : String.fromCharCode(0x30 + i))).join('');
          expect(crc32(id)).toBe(bitwiseCrc32(id));
        }
      }
    }
  });
});
