import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryBackend, murmur3, pickVariant, Rollout, variantPoint, type Backend } from '@hanoi/core';
import { loadVariantVectors } from '@hanoi/core/testing';

// Golden values from test/fixtures/make-variant-vectors.py, an implementation apart from this code base.
const { murmur3: published, cases } = loadVariantVectors();

it('the copy @hanoi/core/testing ships is the fixture file', () => {
  const file = JSON.parse(readFileSync(join(__dirname, '../fixtures/variant-vectors.json'), 'utf8'));
  expect({ murmur3: published, cases }).toEqual({ murmur3: file.murmur3, cases: file.cases });
});

describe('murmur3 (MurmurHash3 x86_32) against published test vectors', () => {
  it('has the vectors SPEC names', () => {
    const bySeed0 = Object.fromEntries(published.filter((v) => v.seed === 0).map((v) => [v.text, v.hash]));
    expect(bySeed0).toMatchObject({
      '': 0,
      hello: 0x248bfa47,
      'The quick brown fox jumps over the lazy dog': 0x2e4ff723,
    });
  });

  it.each(published)('murmur3($text, seed $seed) = $hash', ({ text, seed, hash }) => {
    expect(murmur3(Buffer.from(text, 'utf8'), seed)).toBe(hash);
  });

  it('hashes every tail length (0..3 bytes past a block) unsigned', () => {
    for (const c of cases) {
      const bytes = Buffer.from(`${c.feature}\u0000${c.userId}`, 'utf8');
      expect(murmur3(bytes)).toBe(c.hash);
    }
    const tails = new Set(cases.map((c) => Buffer.byteLength(`${c.feature}\u0000${c.userId}`) % 4));
    expect([...tails].sort()).toEqual([0, 1, 2, 3]);
  });
});

describe('the variant hash and pick, against golden values', () => {
  it('covers 2, 3 and weighted lists, non-ASCII features and emoji ids', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(new Set(cases.map((c) => c.variants.length))).toEqual(new Set([2, 3]));
    expect(cases.some((c) => c.variants.some((v) => v.weight !== 1))).toBe(true);
    expect(cases.some((c) => /\p{Extended_Pictographic}/u.test(c.userId))).toBe(true);
    expect(cases.some((c) => /[^\x00-\x7f]/.test(c.feature))).toBe(true);
  });

  it.each(cases)('$feature / $userId: point $point, variant $variant', async (c) => {
    expect(variantPoint(c.feature, c.userId)).toBe(c.point);
    expect(pickVariant(c.feature, c.variants, c.userId)).toBe(c.variant);
    const rollout = new Rollout(new MemoryBackend());
    await rollout.addFunc(c.feature, { percentage: 100, variants: c.variants });
    expect(await rollout.variant(c.feature, c.userId)).toBe(c.variant);
  });
});

describe('the variant point read straight from ASCII strings', () => {
  // murmur3 on the UTF-8 bytes is pinned by the published vectors above: the point of every
  // ASCII feature and id, at every byte alignment of the NUL and every tail length, is that hash / 2^32.
  it('equals murmur3 of the bytes for ASCII features and ids of 0 to 12 characters', () => {
    const text = (length: number, from: number) =>
      Array.from({ length }, (_, i) => String.fromCharCode(0x20 + ((from + i * 7) % 0x5f))).join('');
    for (let f = 1; f <= 12; f++) {
      for (let u = 0; u <= 12; u++) {
        const feature = text(f, f * 13 + u);
        const userId = text(u, u * 31 + f) + '\u007f'.repeat(u % 2);
        const expected = murmur3(Buffer.from(`${feature}\u0000${userId}`, 'utf8')) / 2 ** 32;
        expect(variantPoint(feature, userId)).toBe(expected);
      }
    }
  });

  it('falls back at a non-ASCII character in any position of the id, whatever the name leaves over', () => {
    for (const feature of ['a', 'ab', 'abc', 'abcd']) {
      for (let length = 1; length <= 9; length++) {
        for (let at = 0; at < length; at++) {
          const userId = Array.from({ length }, (_, i) => (i === at ? '\u00e9' : String.fromCharCode(0x61 + i))).join(
            '',
          );
          const expected = murmur3(Buffer.from(`${feature}\u0000${userId}`, 'utf8')) / 2 ** 32;
          expect(variantPoint(feature, userId)).toBe(expected);
        }
      }
    }
  });

  it('gives each of many features its own point, asked in turn and again (more names than are kept)', () => {
    const features = Array.from({ length: 5000 }, (_, i) => `feature-${i}`);
    for (const round of [0, 1]) {
      for (const [i, feature] of features.entries()) {
        const userId = `user-${(i * 7 + round) % 13}`;
        const expected = murmur3(Buffer.from(`${feature}\u0000${userId}`, 'utf8')) / 2 ** 32;
        if (variantPoint(feature, userId) !== expected) throw new Error(`${feature} ${userId}: ${expected}`);
      }
    }
    expect(variantPoint('feature-0', 'user-0')).toBe(murmur3(Buffer.from('feature-0\u0000user-0', 'utf8')) / 2 ** 32);
  });

  it('falls back to the bytes of the whole text at a non-ASCII character in either string', () => {
    for (const [feature, userId] of [
      ['abc', 'u1\u0080'],
      ['ab\u00e9c', 'u1'],
      ['abcd', '\u{1f600}x'],
    ] as const) {
      const expected = murmur3(Buffer.from(`${feature}\u0000${userId}`, 'utf8')) / 2 ** 32;
      expect(variantPoint(feature, userId)).toBe(expected);
    }
  });
});

describe('the variant after the variants change', () => {
  // A state keeps its variants' total weight: a change of weights must pick from the new total, in a view and in
  // `rollout.variant` alike.
  it.each(cases)('$feature / $userId: $variant once the variants are set to these', async (c) => {
    const rollout = new Rollout(new MemoryBackend());
    const before = [...c.variants.map((v) => ({ name: v.name, weight: v.weight * 5 })), { name: 'gone', weight: 7 }];
    await rollout.addFunc(c.feature, { percentage: 100, variants: before });
    await rollout.setVariants(c.feature, c.variants);
    expect(rollout.forUserNow(c.userId)!.variant(c.feature)).toBe(c.variant);
    expect(await rollout.variant(c.feature, c.userId)).toBe(c.variant);
  });
});

describe('a state whose variants are not those it was built with', () => {
  // A backend may hand out a copy of a state with other variants (a wrapper, say): the pick follows the variants the
  // state holds, not what was worked out for the ones it was built with.
  it.each(cases)('$feature / $userId: $variant from the variants the state holds', async (c) => {
    const memory = new MemoryBackend();
    const backend: Backend = Object.assign(Object.create(memory) as Backend, {
      peek: (name: string) => {
        const state = memory.peek(name);
        return state && { ...state, variants: c.variants };
      },
    });
    const rollout = new Rollout(backend);
    const stored = [
      { name: 'stored', weight: 1 },
      { name: 'other', weight: 3 },
    ];
    await rollout.addFunc(c.feature, { percentage: 100, variants: stored });
    expect(rollout.forUserNow(c.userId)!.variant(c.feature)).toBe(c.variant);
    expect(await rollout.variant(c.feature, c.userId)).toBe(c.variant);
  });
});
