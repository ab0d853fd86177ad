/// <reference types="jest" />
import { replay, type HistoryEntry, type ReplayedFeature } from '../index';
import { comparable, type UseSubject } from './contract-subject';

/** A small seeded generator (mulberry32), so a failing sequence can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A replayed state in the shape `getFunc` returns. */
function asSnapshot(name: string, state: ReplayedFeature | undefined) {
  if (!state) return undefined;
  return comparable({ name, ...state.data, users: [...state.users], patterns: [...state.patterns.values()] });
}

/** SPEC "History": one entry per write, atomically; who, when, before and after; paging; revert; replay. */
export function describeHistory(use: UseSubject): void {
  describe('history', () => {
    it('every write appends exactly one entry, newest first, with who, where and the store time', async () => {
      const { rollout } = use();
      const start = Date.now();
      const ana = rollout.as({ actor: 'ana@example.com', reason: 'launch' });
      await ana.addFunc('beta', { percentage: 10 });
      await ana.setPercentage('beta', 20);
      await rollout.toggle('beta');
      const entries = await rollout.history();
      expect(entries.map((e) => e.action)).toEqual(['toggle', 'update', 'create']);
      expect(entries[2]).toMatchObject({ feature: 'beta', actor: 'ana@example.com', reason: 'launch', source: 'api' });
      expect(entries[0]!.actor.length).toBeGreaterThan(0);
      expect(entries[0]!.reason).toBeUndefined();
      for (const entry of entries) expect(Math.abs(entry.at - start)).toBeLessThan(60_000);
      expect(entries[1]).toMatchObject({ before: { percentage: 10 }, after: { percentage: 20 } });
      expect(entries[0]).toMatchObject({ before: { enabled: true }, after: { enabled: false } });
      expect(entries[2]!.before).toBeNull();
      expect(entries[2]!.after).toMatchObject({ enabled: true, percentage: 10, variants: [], users: [] });
    });

    it('a refused write appends nothing', async () => {
      const { rollout } = use();
      await rollout.addFunc('beta');
      await expect(rollout.setPercentage('ghost', 5)).rejects.toMatchObject({ code: 'HANOI_FEATURE_NOT_FOUND' });
      await expect(rollout.setPercentage('beta', 101)).rejects.toMatchObject({ code: 'HANOI_INVALID_ARGUMENT' });
      expect(() => rollout.as({ actor: '' })).toThrow(expect.objectContaining({ code: 'HANOI_INVALID_ARGUMENT' }));
      expect(await rollout.history()).toHaveLength(1);
    });

    it('users and patterns: the ids added or removed; a write that changes nothing still appends its entry', async () => {
      const { rollout } = use();
      await rollout.addFunc('beta');
      await rollout.register('beta', ['alice', 'bob']);
      await rollout.register('beta', ['bob', 'carol']);
      await rollout.register('beta', 'alice');
      await rollout.unregister('beta', ['alice', 'zed']);
      await rollout.register('beta', /01$/i);
      const [pattern, unregister, nothing, second, first] = await rollout.history({ feature: 'beta' });
      expect(first).toMatchObject({ action: 'register', after: { users: expect.arrayContaining(['alice', 'bob']) } });
      expect(second!.after!.users).toEqual(['carol']);
      expect(nothing).toMatchObject({ action: 'register', after: { users: [] } });
      expect(unregister).toMatchObject({ action: 'unregister', before: { users: ['alice'] } });
      expect(pattern).toMatchObject({ action: 'register', after: { patterns: [{ source: '01$', flags: 'i' }] } });
    });

    it('pages by entry id, and filters by feature', async () => {
      const { rollout } = use();
      await rollout.addFunc('a');
      await rollout.addFunc('b');
      for (let p = 1; p <= 5; p++) await rollout.setPercentage(p % 2 ? 'a' : 'b', p);
      const all = await rollout.history();
      expect(all).toHaveLength(7);
      const first = await rollout.history({ limit: 3 });
      const next = await rollout.history({ limit: 3, before: first[2]!.id });
      expect([...first, ...next].map((e) => e.id)).toEqual(all.slice(0, 6).map((e) => e.id));
      const onlyA = await rollout.history({ feature: 'a' });
      expect(onlyA.map((e) => (e.action === 'create' ? 'created' : e.after?.percentage))).toEqual([5, 3, 1, 'created']);
      expect(await rollout.history({ feature: 'a', before: onlyA[1]!.id, limit: 1 })).toEqual([onlyA[2]]);
    });

    it('revert writes the before back as a new entry naming the reverted one', async () => {
      const { rollout } = use();
      await rollout.addFunc('beta', { percentage: 10 });
      await rollout.setPercentage('beta', 90);
      const [mistake] = await rollout.history({ feature: 'beta', limit: 1 });
      const id = await rollout.as({ actor: 'ops', reason: 'too fast' }).revert(mistake!.id);
      expect((await rollout.getFunc('beta'))!.percentage).toBe(10);
      const [entry] = await rollout.history({ limit: 1 });
      expect(entry).toMatchObject({ id, action: 'revert', reverts: mistake!.id, actor: 'ops', reason: 'too fast' });
      expect(entry).toMatchObject({ before: { percentage: 90 }, after: { percentage: 10 } });
    });

    it('reverting a removal recreates the feature whole: users, patterns, variants, other fields', async () => {
      const { rollout, backend } = use();
      await rollout.addFunc('beta', { percentage: 30, variants: ['a', { name: 'b', weight: 3 }], enabled: false });
      await backend.update('beta', { rules: [{ attribute: 'country', in: ['FR'] }] } as never);
      await rollout.register('beta', ['alice', 'bob']);
      await rollout.register('beta', /^staff-/);
      const before = comparable(await rollout.getFunc('beta'));
      await rollout.remove('beta');
      expect(await rollout.getFunc('beta')).toBeUndefined();
      const [removal] = await rollout.history({ limit: 1 });
      await rollout.revert(removal!.id);
      expect(comparable(await rollout.getFunc('beta'))).toEqual(before);
      expect(await rollout.isEnabled('beta', 'alice')).toBe(false); // disabled, as it was
      expect(backend.peek('beta')).toMatchObject({ percentage: 30, hasUsers: true });
    });

    it('a revert is refused with HANOI_CONFLICT when the feature changed since, unless forced', async () => {
      const { rollout } = use();
      await rollout.addFunc('beta');
      await rollout.setPercentage('beta', 50);
      const [target] = await rollout.history({ limit: 1 });
      await rollout.register('beta', 'alice');
      const count = (await rollout.history()).length;
      await expect(rollout.revert(target!.id)).rejects.toMatchObject({ code: 'HANOI_CONFLICT' });
      expect((await rollout.history()).length).toBe(count);
      expect((await rollout.getFunc('beta'))!.percentage).toBe(50);
      await rollout.revert(target!.id, { force: true });
      expect(await rollout.getFunc('beta')).toMatchObject({ percentage: 0, users: ['alice'] });
      await expect(rollout.revert('no-such-entry')).rejects.toMatchObject({ code: 'HANOI_INVALID_ARGUMENT' });
    });

    it("reverting a segment's entries writes its units and constraints back; its creation, deleted; a removal, whole again", async () => {
      const { rollout, backend } = use();
      if (typeof backend.defineSegment !== 'function') return;
      const dutch = [{ attribute: 'country', operator: 'IN' as const, values: ['NL'] }];
      await rollout.defineSegment('team', { users: ['u1', 'u2'] });
      await rollout.registerSegment('team', ['u3', 'u4']);
      const [added] = await rollout.history({ segment: 'team', limit: 1 });
      await rollout.defineSegment('team', { constraints: dutch });
      const [constrained] = await rollout.history({ segment: 'team', limit: 1 });
      await rollout.revert(constrained!.id);
      expect(await rollout.getSegment('team')).toEqual({
        name: 'team',
        users: ['u1', 'u2', 'u3', 'u4'],
        constraints: [],
      });
      await rollout.revert(added!.id, { force: true });
      expect(await rollout.getSegment('team')).toEqual({ name: 'team', users: ['u1', 'u2'], constraints: [] });
      const [latest] = await rollout.history({ segment: 'team', limit: 1 });
      expect(latest).toMatchObject({ feature: 'segment team', action: 'revert', reverts: added!.id });
      await rollout.removeSegment('team');
      const [removal] = await rollout.history({ segment: 'team', limit: 1 });
      await rollout.revert(removal!.id);
      expect(await rollout.getSegment('team')).toEqual({ name: 'team', users: ['u1', 'u2'], constraints: [] });
      expect(await rollout.listFuncs()).toEqual([]); // a segment's entry is never a feature
      const creation = (await rollout.history({ segment: 'team' })).find((entry) => entry.before === null)!;
      await rollout.revert(creation.id, { force: true });
      expect(await rollout.getSegment('team')).toBeUndefined();
      expect(await rollout.listSegments()).toEqual([]);
      // A feature's first rules, reverted: none again, as before they were set.
      await rollout.addFunc('beta', { percentage: 0 });
      await rollout.setRules('beta', [{ constraints: dutch }]);
      const [ruled] = await rollout.history({ feature: 'beta', limit: 1 });
      await rollout.revert(ruled!.id);
      expect(await rollout.getFunc('beta')).not.toHaveProperty('rules');
      expect(await rollout.isEnabled('beta', { id: 'x', country: 'NL' } as never)).toBe(false);
    });

    it('replaying the entries of a feature from its creation gives its state (random write sequences)', async () => {
      const { rollout } = use();
      const ids = ['u1', 'u2', 'u3', 'u4'];
      const patterns = [/^u1/, /4$/i, /x/];
      for (const seed of [1, 2, 3]) {
        const next = random(seed);
        const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
        const name = `replay-${seed}`;
        await rollout.addFunc(name, { percentage: 5 });
        for (let step = 0; step < 25; step++) {
          const exists = (await rollout.getFunc(name)) !== undefined;
          const roll = next();
          if (!exists) await rollout.addFunc(name, { percentage: Math.floor(next() * 101) });
          else if (roll < 0.15) await rollout.setPercentage(name, Math.floor(next() * 101));
          else if (roll < 0.25) await rollout.toggle(name);
          else if (roll < 0.35) await rollout.setVariants(name, next() < 0.5 ? ['a', 'b'] : [{ name: 'c', weight: 2 }]);
          else if (roll < 0.5) await rollout.register(name, [pick(ids), pick(ids)]);
          else if (roll < 0.6) await rollout.unregister(name, pick(ids));
          else if (roll < 0.7) await rollout.register(name, pick(patterns));
          else if (roll < 0.78) await rollout.unregister(name, pick(patterns));
          else if (roll < 0.85) await rollout.remove(name);
          else if (roll < 0.92) await rollout.addFunc(name, { enabled: next() < 0.5 });
          else {
            const [latest] = await rollout.history({ feature: name, limit: 1 });
            await rollout.revert(latest!.id);
          }
        }
        const entries: HistoryEntry[] = await rollout.history({ feature: name, limit: 10_000 });
        const rebuilt = [...entries].reverse().reduce(replay, undefined);
        expect(asSnapshot(name, rebuilt)).toEqual(comparable(await rollout.getFunc(name)));
      }
    });
  });
}
