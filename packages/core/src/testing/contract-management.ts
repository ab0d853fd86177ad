/// <reference types="jest" />
import { comparable, type UseSubject } from './contract-subject';

/** addFunc, setPercentage, setVariants, enable/disable/toggle, remove, getFunc, listFuncs. */
export function describeManagement(use: UseSubject): void {
  describe('management', () => {
    it('addFunc creates an enabled feature at 0% with no users, patterns or variants', async () => {
      const { rollout } = use();
      await rollout.addFunc('beta');
      expect(await rollout.getFunc('beta')).toEqual({
        name: 'beta',
        enabled: true,
        percentage: 0,
        users: [],
        patterns: [],
        variants: [],
      });
    });

    it('addFunc takes percentage, variants and enabled; names weigh 1', async () => {
      const { rollout } = use();
      await rollout.addFunc('cdc_on', {
        percentage: 80,
        variants: ['foo', { name: 'bar', weight: 3 }],
        enabled: false,
      });
      expect(await rollout.getFunc('cdc_on')).toEqual({
        name: 'cdc_on',
        enabled: false,
        percentage: 80,
        users: [],
        patterns: [],
        variants: [
          { name: 'foo', weight: 1 },
          { name: 'bar', weight: 3 },
        ],
      });
    });

    it('a re-add updates the fields given and keeps the rest, users and patterns included', async () => {
      const { rollout } = use();
      await rollout.addFunc('beta', { percentage: 20, variants: ['a', 'b'] });
      await rollout.register('beta', ['u1', 'u2']);
      await rollout.register('beta', /01$/);
      await rollout.disable('beta');
      await rollout.addFunc('beta', { percentage: 30 });
      expect(comparable(await rollout.getFunc('beta'))).toEqual({
        name: 'beta',
        enabled: false,
        percentage: 30,
        users: ['u1', 'u2'],
        patterns: [{ source: '01$', flags: '' }],
        variants: [
          { name: 'a', weight: 1 },
          { name: 'b', weight: 1 },
        ],
      });
      await rollout.addFunc('beta');
      expect((await rollout.getFunc('beta'))!.percentage).toBe(30);
      await rollout.addFunc('beta', { variants: ['c'], enabled: true });
      const after = (await rollout.getFunc('beta'))!;
      expect([after.enabled, after.percentage, after.variants]).toEqual([true, 30, [{ name: 'c', weight: 1 }]]);
      expect(after.users.sort()).toEqual(['u1', 'u2']);
    });

    it('setPercentage sets 0 and 100 and anything between', async () => {
      const { rollout } = use();
      await rollout.addFunc('beta');
      for (const p of [100, 1, 99, 0, 55]) {
        await rollout.setPercentage('beta', p);
        expect((await rollout.getFunc('beta'))!.percentage).toBe(p);
      }
    });

    it('setVariants replaces the list in its order, and [] clears it', async () => {
      const { rollout } = use();
      await rollout.addFunc('exp', { variants: ['a', 'b'] });
      await rollout.setVariants('exp', [{ name: 'z', weight: 90 }, 'y', { name: 'x', weight: 0.5 }]);
      expect((await rollout.getFunc('exp'))!.variants).toEqual([
        { name: 'z', weight: 90 },
        { name: 'y', weight: 1 },
        { name: 'x', weight: 0.5 },
      ]);
      await rollout.setVariants('exp', []);
      expect((await rollout.getFunc('exp'))!.variants).toEqual([]);
    });

    it('enable, disable and toggle work the master switch; toggle resolves to the new value', async () => {
      const { rollout } = use();
      await rollout.addFunc('beta', { percentage: 100 });
      await rollout.disable('beta');
      expect((await rollout.getFunc('beta'))!.enabled).toBe(false);
      await rollout.disable('beta');
      expect((await rollout.getFunc('beta'))!.enabled).toBe(false);
      await rollout.enable('beta');
      expect((await rollout.getFunc('beta'))!.enabled).toBe(true);
      expect(await rollout.toggle('beta')).toBe(false);
      expect((await rollout.getFunc('beta'))!.enabled).toBe(false);
      expect(await rollout.isEnabled('beta', 'anyone')).toBe(false);
      expect(await rollout.toggle('beta')).toBe(true);
      expect(await rollout.isEnabled('beta', 'anyone')).toBe(true);
    });

    it('remove deletes the feature; adding it again starts fresh', async () => {
      const { rollout } = use();
      await rollout.addFunc('beta', { percentage: 40, variants: ['a'], enabled: false });
      await rollout.register('beta', 'u1');
      await rollout.register('beta', /x/i);
      await rollout.remove('beta');
      expect(await rollout.getFunc('beta')).toBeUndefined();
      expect(await rollout.listFuncs()).toEqual([]);
      expect(await rollout.isEnabled('beta', 'u1')).toBe(false);
      await rollout.addFunc('beta');
      expect(await rollout.getFunc('beta')).toEqual({
        name: 'beta',
        enabled: true,
        percentage: 0,
        users: [],
        patterns: [],
        variants: [],
      });
      expect(await rollout.isEnabled('beta', 'u1')).toBe(false);
    });

    it('getFunc is undefined for an unknown feature, and a copy: changing it changes nothing stored', async () => {
      const { rollout } = use();
      expect(await rollout.getFunc('nope')).toBeUndefined();
      await rollout.addFunc('beta', { percentage: 10, variants: ['a', 'b'] });
      await rollout.register('beta', ['u1']);
      await rollout.register('beta', /^x/);
      const before = comparable(await rollout.getFunc('beta'));
      const snapshot = (await rollout.getFunc('beta'))!;
      snapshot.enabled = false;
      snapshot.percentage = 100;
      snapshot.users.push('intruder');
      snapshot.patterns.push({ source: '.', flags: '' });
      snapshot.patterns[0]!.source = '.';
      snapshot.variants[0]!.name = 'hacked';
      snapshot.variants[1]!.weight = 1000;
      snapshot.variants.pop();
      expect(comparable(await rollout.getFunc('beta'))).toEqual(before);
      expect(await rollout.isEnabled('beta', 'intruder')).toBe(false);
    });

    it('listFuncs names every feature once', async () => {
      const { rollout } = use();
      expect(await rollout.listFuncs()).toEqual([]);
      await rollout.addFunc('a');
      await rollout.addFunc('b');
      await rollout.addFunc('a', { percentage: 5 });
      await rollout.addFunc('c');
      await rollout.remove('b');
      expect((await rollout.listFuncs()).sort()).toEqual(['a', 'c']);
    });
  });
}
