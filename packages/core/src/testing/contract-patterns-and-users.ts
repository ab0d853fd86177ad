/// <reference types="jest" />
import { comparable, type UseSubject } from './contract-subject';

const usersOf = async (use: UseSubject, name: string) => (await use().rollout.getFunc(name))!.users.sort();
const patternsOf = async (use: UseSubject, name: string) => comparable(await use().rollout.getFunc(name))!.patterns;

/** register and unregister: one id, arrays of ids, patterns. */
export function describePatternsAndUsers(use: UseSubject): void {
  describe('register and unregister', () => {
    it('registers one id, a list of ids, and each only once', async () => {
      const { rollout } = use();
      await rollout.addFunc('beta');
      await rollout.register('beta', 'u1');
      await rollout.register('beta', 'u1');
      await rollout.register('beta', ['u2', 'u3', 'u2']);
      expect(await usersOf(use, 'beta')).toEqual(['u1', 'u2', 'u3']);
      for (const id of ['u1', 'u2', 'u3']) expect(await rollout.isEnabled('beta', id)).toBe(true);
      expect(await rollout.isEnabled('beta', 'u4')).toBe(false);
    });

    it('42 and "42" are one user', async () => {
      const { rollout } = use();
      await rollout.addFunc('beta');
      await rollout.register('beta', 42);
      await rollout.register('beta', ['42', 42]);
      expect(await usersOf(use, 'beta')).toEqual(['42']);
      expect(await rollout.isEnabled('beta', '42')).toBe(true);
      expect(await rollout.isEnabled('beta', 42)).toBe(true);
      await rollout.unregister('beta', '42');
      expect(await rollout.isEnabled('beta', 42)).toBe(false);
    });

    it('unregisters one id and a list, and an id that is not there is no error', async () => {
      const { rollout } = use();
      await rollout.addFunc('beta');
      await rollout.register('beta', ['u1', 'u2', 'u3', 'u4']);
      await rollout.unregister('beta', 'u1');
      await rollout.unregister('beta', ['u2', 'u3', 'never']);
      await rollout.unregister('beta', 'never');
      expect(await usersOf(use, 'beta')).toEqual(['u4']);
      expect(await rollout.isEnabled('beta', 'u1')).toBe(false);
      expect(await rollout.isEnabled('beta', 'u4')).toBe(true);
    });

    it('registers a pattern, once per source and flags (g and y dropped)', async () => {
      const { rollout } = use();
      await rollout.addFunc('beta');
      await rollout.register('beta', /01$/);
      await rollout.register('beta', /01$/);
      await rollout.register('beta', /01$/g);
      await rollout.register('beta', /01$/y);
      await rollout.register('beta', /^ab/i);
      await rollout.register('beta', /^ab/);
      expect(await patternsOf(use, 'beta')).toEqual([
        { source: '01$', flags: '' },
        { source: '^ab', flags: '' },
        { source: '^ab', flags: 'i' },
      ]);
      expect(await usersOf(use, 'beta')).toEqual([]);
    });

    it('unregisters only the pattern with the same source and flags', async () => {
      const { rollout } = use();
      await rollout.addFunc('beta');
      await rollout.register('beta', /^ab/i);
      await rollout.register('beta', /^ab/);
      await rollout.register('beta', /01$/);
      await rollout.unregister('beta', /^ab/);
      expect(await patternsOf(use, 'beta')).toEqual([
        { source: '01$', flags: '' },
        { source: '^ab', flags: 'i' },
      ]);
      expect(await rollout.isEnabled('beta', 'ABc')).toBe(true);
      await rollout.unregister('beta', /^ab/gi);
      await rollout.unregister('beta', /never/);
      expect(await patternsOf(use, 'beta')).toEqual([{ source: '01$', flags: '' }]);
      expect(await rollout.isEnabled('beta', 'ABc')).toBe(false);
      expect(await rollout.isEnabled('beta', '444401')).toBe(true);
    });

    it('a user id that looks like a pattern is a user, and a pattern is not a user', async () => {
      const { rollout } = use();
      await rollout.addFunc('beta');
      await rollout.register('beta', '.*');
      expect(await rollout.isEnabled('beta', '.*')).toBe(true);
      expect(await rollout.isEnabled('beta', 'anything')).toBe(false);
      await rollout.register('beta', /^zz$/);
      expect(await rollout.isEnabled('beta', '^zz$')).toBe(false);
      expect(await rollout.isEnabled('beta', 'zz')).toBe(true);
      await rollout.unregister('beta', '^zz$');
      expect(await patternsOf(use, 'beta')).toEqual([{ source: '^zz$', flags: '' }]);
    });
  });
}
