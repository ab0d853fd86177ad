/// <reference types="jest" />
import { quietRollout, type UseSubject } from './contract-subject';
import { idInBucket } from './independent-bucket';
import { loadVariantVectors } from './variant-vectors';

/** SPEC.md "Variants", on this backend: when there is one, and which (golden values). */
export function describeVariants(use: UseSubject): void {
  describe('variants', () => {
    it('undefined when the feature has none, is off for the user, disabled, unknown, or there is no user', async () => {
      const { rollout } = use();
      await rollout.addFunc('plain', { percentage: 100 });
      expect(await rollout.variant('plain', 'u1')).toBeUndefined();
      await rollout.addFunc('exp', { percentage: 1, variants: ['a', 'b'] });
      const off = idInBucket(1);
      expect(await rollout.variant('exp', off)).toBeUndefined();
      expect((await rollout.forUser(off)).variant('exp')).toBeUndefined();
      const on = idInBucket(0);
      expect(['a', 'b']).toContain(await rollout.variant('exp', on));
      await rollout.disable('exp');
      expect(await rollout.variant('exp', on)).toBeUndefined();
      expect((await rollout.forUser(on)).variant('exp')).toBeUndefined();
      expect(await rollout.variant('ghost', on)).toBeUndefined();
      await rollout.enable('exp');
      await rollout.setPercentage('exp', 100);
      expect(await rollout.variant('exp')).toBeUndefined();
    });

    it('a listed user and a pattern-matched user get a variant at 0%', async () => {
      const { rollout } = use();
      await rollout.addFunc('exp', { variants: ['a', 'b', 'c'] });
      await rollout.register('exp', 'listed');
      await rollout.register('exp', /^pat/);
      expect(['a', 'b', 'c']).toContain(await rollout.variant('exp', 'listed'));
      expect(['a', 'b', 'c']).toContain((await rollout.forUser('listed')).variant('exp'));
      expect(['a', 'b', 'c']).toContain(await rollout.variant('exp', 'pattern'));
    });

    it('every golden case picks its variant, through variant, forUser and the current user', async () => {
      const { rollout } = use();
      const { cases } = loadVariantVectors();
      expect(cases.length).toBeGreaterThanOrEqual(30);
      let n = 0;
      for (const c of cases) {
        const name = `${c.feature}`;
        await rollout.addFunc(name, { percentage: 100, variants: c.variants });
        expect([c.userId, await rollout.variant(name, c.userId)]).toEqual([c.userId, c.variant]);
        expect((await rollout.forUser(c.userId)).variant(name)).toBe(c.variant);
        expect(await rollout.withCurrentId(c.userId, () => rollout.variant(name))).toBe(c.variant);
        n++;
      }
      expect(n).toBe(cases.length);
    });

    it('sticky: a second Rollout on the same backend gives every user the same variant', async () => {
      const { rollout, backend } = use();
      await rollout.addFunc('exp', { percentage: 100, variants: ['a', 'b', 'c'] });
      const ids = Array.from({ length: 50 }, (_, i) => `sticky-${i}`);
      const first = await Promise.all(ids.map((id) => rollout.variant('exp', id)));
      const second = await Promise.all(ids.map((id) => quietRollout(backend).variant('exp', id)));
      expect(second).toEqual(first);
      expect(new Set(first)).toEqual(new Set(['a', 'b', 'c']));
    });

    it('weights survive the store: a 90/10 split stays 90/10, not 50/50', async () => {
      const { rollout } = use();
      await rollout.addFunc('exp', {
        percentage: 100,
        variants: [
          { name: 'big', weight: 90 },
          { name: 'small', weight: 10 },
        ],
      });
      let small = 0;
      for (let i = 0; i < 2000; i++) if ((await rollout.variant('exp', `w-${i}`)) === 'small') small++;
      expect(small / 2000).toBeGreaterThan(0.06);
      expect(small / 2000).toBeLessThan(0.14);
    });
  });
}
