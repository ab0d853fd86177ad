/// <reference types="jest" />
import { InvalidArgumentError, type ListIdsOptions, type Rollout } from '../index';
import { everything, type UseSubject } from './contract-subject';

/** Every id of a list, page by page: fails when the pages do not end. */
async function allPages(rollout: Rollout, options: ListIdsOptions): Promise<string[]> {
  const seen: string[] = [];
  let after: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await rollout.listIds({ ...options, ...(after !== undefined ? { after } : {}) });
    expect(page.ids.length).toBeLessThanOrEqual(options.limit ?? 100);
    seen.push(...page.ids);
    if (page.next === undefined) return seen;
    after = page.next;
  }
  throw new Error('the pages never end');
}

const sorted = (ids: readonly string[]) => [...ids].sort();

/** `rollout.listIds`: bounded pages of listed users, deny lists and segments' units, each id once. */
export function describeListIds(use: UseSubject): void {
  describe('listIds', () => {
    it('pages listed users, each id once, the search a substring match', async () => {
      const { rollout } = use();
      const users = Array.from({ length: 230 }, (_, i) => `u-${i}${i % 5 === 0 ? '*' : ''}`);
      await rollout.addFunc('beta');
      await rollout.register('beta', users);
      const first = await rollout.listIds({ feature: 'beta', limit: 20 });
      expect(first.ids).toHaveLength(20);
      expect(first.next).toBeDefined();
      if (first.total !== undefined) expect(first.total).toBe(230);
      const every = await allPages(rollout, { feature: 'beta', limit: 20 });
      expect(every).toHaveLength(230);
      expect(sorted(every)).toEqual(sorted(users));
      for (const contains of ['*', 'u-1', '9', 'absent']) {
        const found = await allPages(rollout, { feature: 'beta', limit: 15, contains });
        expect(sorted(found)).toEqual(sorted(users.filter((id) => id.includes(contains))));
      }
      expect(await rollout.listIds({ feature: 'ghost' })).toMatchObject({ ids: [] });
      expect((await rollout.listIds({ feature: 'ghost' })).next).toBeUndefined();
    });

    it("pages a deny list and a segment's units where the backend keeps them", async () => {
      const { rollout, backend } = use();
      if (typeof backend.denyUsers !== 'function' || typeof backend.defineSegment !== 'function') return;
      await rollout.addFunc('beta');
      await rollout.deny('beta', ['d1', 'd2', 'x-3']);
      await rollout.defineSegment('team', { users: Array.from({ length: 45 }, (_, i) => `org-${i}`) });
      expect(sorted(await allPages(rollout, { feature: 'beta', list: 'deny', limit: 2 }))).toEqual(['d1', 'd2', 'x-3']);
      expect(await allPages(rollout, { feature: 'beta', list: 'deny', contains: 'x' })).toEqual(['x-3']);
      const units = await allPages(rollout, { segment: 'team', limit: 10 });
      expect(sorted(units)).toEqual(sorted(Array.from({ length: 45 }, (_, i) => `org-${i}`)));
      expect(await rollout.listIds({ segment: 'nobody' })).toMatchObject({ ids: [] });
    });

    it('refuses bad options with InvalidArgumentError and changes nothing', async () => {
      const { rollout } = use();
      await rollout.addFunc('beta');
      await rollout.register('beta', ['a', 'b']);
      const before = await everything(rollout);
      const bad: unknown[] = [
        undefined,
        null,
        'beta',
        {},
        { feature: 'beta', segment: 'team' },
        { feature: 'bad name' },
        { feature: 'beta', limit: 0 },
        { feature: 'beta', limit: 1001 },
        { feature: 'beta', limit: 2.5 },
        { feature: 'beta', list: 'all' },
        { segment: 'team', list: 'deny' },
        { feature: 'beta', after: 42 },
        { feature: 'beta', contains: 7 },
        { feature: 'beta', contains: 'x'.repeat(513) },
      ];
      for (const options of bad) {
        await expect(rollout.listIds(options as ListIdsOptions)).rejects.toBeInstanceOf(InvalidArgumentError);
      }
      expect(await everything(rollout)).toEqual(before);
    });
  });
}
