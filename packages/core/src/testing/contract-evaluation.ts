/// <reference types="jest" />
import { idInBucket, idsWhere, referenceBucket } from './independent-bucket';
import type { UseSubject } from './contract-subject';

/** Each way of asking, so every rule is checked through all of them. */
const ASK = {
  isEnabled: (use: UseSubject, name: string, id?: string) => use().rollout.isEnabled(name, id),
  forUser: async (use: UseSubject, name: string, id?: string) => (await use().rollout.forUser(id)).isEnabled(name),
  withCurrentId: (use: UseSubject, name: string, id?: string) =>
    use().rollout.withCurrentId(id, () => use().rollout.isEnabled(name)),
};

/** SPEC.md "Is a feature on?", rule by rule, on this backend. */
export function describeEvaluation(use: UseSubject): void {
  describe.each(Object.entries(ASK))('evaluation through %s', (_how, ask) => {
    it('1. an unknown feature is off', async () => {
      expect(await ask(use, 'ghost', 'u1')).toBe(false);
    });

    it('2. with no user, on exactly when enabled at 100%', async () => {
      const { rollout } = use();
      await rollout.addFunc('f', { percentage: 99 });
      await rollout.register('f', /./);
      expect(await ask(use, 'f')).toBe(false);
      await rollout.setPercentage('f', 100);
      expect(await ask(use, 'f')).toBe(true);
      await rollout.disable('f');
      expect(await ask(use, 'f')).toBe(false);
    });

    it('3. the master switch beats 100%, listed users and patterns', async () => {
      const { rollout } = use();
      await rollout.addFunc('f', { percentage: 100 });
      await rollout.register('f', 'listed');
      await rollout.register('f', /^pat/);
      await rollout.disable('f');
      for (const id of ['listed', 'pattern-user', idInBucket(0)]) expect(await ask(use, 'f', id)).toBe(false);
      await rollout.enable('f');
      for (const id of ['listed', 'pattern-user', idInBucket(0)]) expect(await ask(use, 'f', id)).toBe(true);
    });

    it('4. at 100% every user has it, bucket 99 included', async () => {
      const { rollout } = use();
      await rollout.addFunc('f', { percentage: 100 });
      expect(await ask(use, 'f', idInBucket(99))).toBe(true);
    });

    it('5. a listed user has it at 0%, and loses it when unregistered', async () => {
      const { rollout } = use();
      const id = idInBucket(99);
      await rollout.addFunc('f');
      await rollout.register('f', id);
      expect(await ask(use, 'f', id)).toBe(true);
      expect(await ask(use, 'f', idInBucket(98))).toBe(false);
      await rollout.unregister('f', id);
      expect(await ask(use, 'f', id)).toBe(false);
    });

    it('6. a pattern is an unanchored search, any of several matches, at 0%', async () => {
      const { rollout } = use();
      await rollout.addFunc('f');
      await rollout.register('f', /01$/);
      await rollout.register('f', /^vip-/);
      await rollout.register('f', /mid/);
      for (const id of ['444401', 'vip-7', 'a-mid-b']) expect(await ask(use, 'f', id)).toBe(true);
      for (const id of ['444410', 'x-vip-7', 'm-i-d']) expect(await ask(use, 'f', id)).toBe(false);
    });

    it('7-8. a user has it exactly when bucket < percentage (0, 1, 99, 100)', async () => {
      const { rollout } = use();
      const [b0, b1, b98, b99] = [0, 1, 98, 99].map((b) => idInBucket(b));
      await rollout.addFunc('f', { percentage: 0 });
      for (const id of [b0, b1, b98, b99]) expect(await ask(use, 'f', id)).toBe(false);
      await rollout.setPercentage('f', 1);
      expect([await ask(use, 'f', b0), await ask(use, 'f', b1)]).toEqual([true, false]);
      await rollout.setPercentage('f', 99);
      expect([await ask(use, 'f', b98), await ask(use, 'f', b99)]).toEqual([true, false]);
      await rollout.setPercentage('f', 100);
      expect(await ask(use, 'f', b99)).toBe(true);
    });

    it('raising the percentage only adds users; every feature shares the buckets', async () => {
      const { rollout } = use();
      const ids = idsWhere(() => true, 200, 'share-');
      await rollout.addFunc('f', { percentage: 10 });
      await rollout.addFunc('g', { percentage: 10 });
      for (const id of ids) {
        const expected = referenceBucket(id) < 10;
        expect([await ask(use, 'f', id), await ask(use, 'g', id)]).toEqual([expected, expected]);
      }
      await rollout.setPercentage('f', 35);
      for (const id of ids) expect(await ask(use, 'f', id)).toBe(referenceBucket(id) < 35);
    });
  });

  describe('the user given', () => {
    it('an explicit id wins over the current user, and 42 is "42"', async () => {
      const { rollout } = use();
      await rollout.addFunc('f');
      await rollout.register('f', 42);
      await rollout.withCurrentId('someone-else', async () => {
        expect(await rollout.isEnabled('f')).toBe(false);
        expect(await rollout.isEnabled('f', 42)).toBe(true);
        expect(await rollout.isEnabled('f', '42')).toBe(true);
      });
      expect((await rollout.forUser(42)).isEnabled('f')).toBe(true);
      expect(await rollout.withCurrentId(42, () => rollout.isEnabled('f'))).toBe(true);
    });

    it('forUser().enabled() names the features on for that user', async () => {
      const { rollout } = use();
      await rollout.addFunc('listed');
      await rollout.register('listed', 'alice');
      await rollout.addFunc('everyone', { percentage: 100 });
      await rollout.addFunc('off', { percentage: 100, enabled: false });
      await rollout.addFunc('nobody');
      expect((await rollout.forUser('alice')).enabled().sort()).toEqual(['everyone', 'listed']);
      expect((await rollout.forUser()).enabled()).toEqual(['everyone']);
    });

    it('explain() gives the first rule that applies: a listed user in the percentage reads as listed', async () => {
      const { rollout } = use();
      const inBucket = idInBucket(3);
      await rollout.addFunc('f', { percentage: 50 });
      await rollout.register('f', inBucket);
      await rollout.register('f', /^zz/);
      expect(await rollout.explain('f', inBucket)).toEqual({ enabled: true, reason: 'listed' });
      expect(await rollout.explain('f', idInBucket(4))).toEqual({
        enabled: true,
        reason: 'bucket',
        bucket: 4,
        percentage: 50,
      });
      expect(await rollout.explain('f', idInBucket(77))).toEqual({
        enabled: false,
        reason: 'bucket',
        bucket: 77,
        percentage: 50,
      });
    });
  });
}
