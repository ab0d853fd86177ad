/// <reference types="jest" />
import { comparable, type UseSubject } from './contract-subject';

/** Names a backend might trip on: prototype keys, its own separators, hash tags, bookkeeping words. */
export const TRICKY_NAMES = [
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'toString',
  'prototype',
  'x',
  'users:x',
  'x:users',
  'x:patterns',
  'patterns:x',
  'x:',
  ':x',
  'users',
  'patterns',
  'features',
  '__features__',
  'a',
  'b',
  'a,b',
  'a|b',
  '{x}',
  'x}',
  '{x',
  '{}',
  '*',
  '?',
  '[a]',
  '%s',
  'a\\b',
  '"q"',
  '🚀',
  'été',
  '中文',
  'n'.repeat(128),
  '😀'.repeat(128),
];

/** Ids a backend might trip on: its separators, line breaks, emoji, the longest allowed. */
export const TRICKY_IDS = [
  'a,b',
  'a|b',
  'line\nbreak',
  'tab\there',
  'nul\u0000byte',
  '😀',
  'üñï',
  ' ',
  '{u}',
  'users:x',
  '__proto__',
  'i'.repeat(512),
  '😀'.repeat(512),
];

/** Feature names and user ids are stored and read back faithfully, and never collide. */
export function describeNamesAndIds(use: UseSubject): void {
  describe('names and ids', () => {
    it('tricky feature names each keep their own fields, and listFuncs names each once', async () => {
      const { rollout } = use();
      for (const [i, name] of TRICKY_NAMES.entries()) {
        await rollout.addFunc(name, { percentage: i, variants: [`v${i}`] });
        await rollout.register(name, `user-of-${i}`);
        await rollout.register(name, new RegExp(`^p${i}$`));
      }
      expect((await rollout.listFuncs()).sort()).toEqual([...TRICKY_NAMES].sort());
      for (const [i, name] of TRICKY_NAMES.entries()) {
        expect(comparable(await rollout.getFunc(name))).toEqual({
          name,
          enabled: true,
          percentage: i,
          users: [`user-of-${i}`],
          patterns: [{ source: `^p${i}$`, flags: '' }],
          variants: [{ name: `v${i}`, weight: 1 }],
        });
        expect(await rollout.isEnabled(name, `user-of-${i}`)).toBe(true);
        expect(await rollout.variant(name, `p${i}`)).toBe(`v${i}`);
      }
    });

    it('removing or changing one tricky name leaves the others alone', async () => {
      const { rollout } = use();
      const names = ['x', 'users:x', 'x:users', '__proto__', 'constructor', '{x}', 'x}', 'a,b', 'a', 'b'];
      for (const name of names) {
        await rollout.addFunc(name);
        await rollout.register(name, `only-${name}`);
      }
      await rollout.remove('users:x');
      await rollout.disable('x:users');
      await rollout.setPercentage('{x}', 100);
      await rollout.register('a,b', 'shared');
      expect((await rollout.listFuncs()).sort()).toEqual(names.filter((n) => n !== 'users:x').sort());
      for (const name of ['x', '__proto__', 'constructor', 'x}', 'a', 'b']) {
        expect(comparable(await rollout.getFunc(name))).toEqual({
          name,
          enabled: true,
          percentage: 0,
          users: [`only-${name}`],
          patterns: [],
          variants: [],
        });
      }
      expect(await rollout.isEnabled('a', 'shared')).toBe(false);
      expect(await rollout.isEnabled('x', 'only-users:x')).toBe(false);
      expect(await rollout.isEnabled('x', 'only-x')).toBe(true);
    });

    it('tricky user ids are one user each, stored and read back faithfully', async () => {
      const { rollout } = use();
      await rollout.addFunc('beta');
      await rollout.register('beta', TRICKY_IDS);
      expect((await rollout.getFunc('beta'))!.users.sort()).toEqual([...TRICKY_IDS].sort());
      for (const id of TRICKY_IDS) {
        expect(await rollout.isEnabled('beta', id)).toBe(true);
        expect((await rollout.forUser(id)).isEnabled('beta')).toBe(true);
      }
      for (const id of ['a', 'b', 'line', 'break', 'nul', '😀😀', 'i'.repeat(511), 'users', 'x', '__proto']) {
        expect(await rollout.isEnabled('beta', id)).toBe(false);
      }
      await rollout.unregister('beta', 'a,b');
      expect((await rollout.getFunc('beta'))!.users).toHaveLength(TRICKY_IDS.length - 1);
      expect(await rollout.isEnabled('beta', 'a|b')).toBe(true);
    });

    it('a user id registered on one feature does not leak into a feature whose name shares a prefix', async () => {
      const { rollout } = use();
      await rollout.addFunc('x');
      await rollout.addFunc('x:users');
      await rollout.addFunc('xx');
      await rollout.register('x', 'alice');
      expect(await rollout.isEnabled('x', 'alice')).toBe(true);
      expect(await rollout.isEnabled('x:users', 'alice')).toBe(false);
      expect(await rollout.isEnabled('xx', 'alice')).toBe(false);
      expect((await rollout.getFunc('x:users'))!.users).toEqual([]);
    });
  });
}
