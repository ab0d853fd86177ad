/// <reference types="jest" />
import type { UseSubject } from './contract-subject';

/** `rollout.watch`: every backend tells its listeners of each write once it resolves. */
export function describeWatch(use: UseSubject): void {
  describe('watch', () => {
    it('each write is reported, for the feature written, by the time it resolves', async () => {
      const { rollout, backend } = use();
      expect(typeof backend.watch).toBe('function');
      const seen: string[][] = [];
      const stop = rollout.watch({ changed: (names) => void seen.push([...names]) });
      const writes: [string, () => Promise<unknown>][] = [
        ['addFunc', () => rollout.addFunc('beta', { percentage: 10 })],
        ['setPercentage', () => rollout.setPercentage('beta', 20)],
        ['setVariants', () => rollout.setVariants('beta', [{ name: 'a', value: 1 }])],
        ['register a user', () => rollout.register('beta', 'u1')],
        ['register a pattern', () => rollout.register('beta', /^x/)],
        ['unregister', () => rollout.unregister('beta', 'u1')],
        ['disable', () => rollout.disable('beta')],
        ['toggle', () => rollout.toggle('beta')],
        ['remove', () => rollout.remove('beta')],
      ];
      for (const [what, write] of writes) {
        seen.length = 0;
        await write();
        expect([what, seen.flat().includes('beta')]).toEqual([what, true]);
        expect([what, seen.flat().every((name) => name === 'beta')]).toEqual([what, true]);
      }
      stop();
      seen.length = 0;
      await rollout.addFunc('after', {});
      expect(seen).toEqual([]);
    });

    it('a listener that throws breaks neither the write nor the other listeners', async () => {
      const { rollout } = use();
      const seen: string[] = [];
      rollout.watch({
        changed: () => {
          throw new Error('listener failure');
        },
      });
      rollout.watch({ changed: (names) => void seen.push(...names) });
      await rollout.addFunc('beta', { percentage: 10 });
      expect(await rollout.isEnabled('beta', 'u1')).toBe(false);
      expect(seen).toContain('beta');
    });
  });
}
