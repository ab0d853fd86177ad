/// <reference types="jest" />
import {
  Rollout,
  StoreBackend,
  type ChangedFeature,
  type DamagedFeature,
  type FeatureStore,
  type MembersQuery,
  type PatternSpec,
  type StoreBackendOptions,
  type StoredFeature,
} from '../index';
import { describeBackendContract } from './backend-contract';
import { recordingLogger } from './contract-subject';

/** Options of `describeStoreContract`. */
export interface StoreContractOptions {
  /** Another store on the same data, as a second process would open it; default: the same store. */
  second?: (first: FeatureStore) => FeatureStore | Promise<FeatureStore>;
  /** Wipes the store behind the processes' backs (a flush, a restart without persistence); skips those tests when absent. */
  reset?: (store: FeatureStore) => Promise<void>;
  /** Releases a store after its test; `store.close()` when not given. */
  teardown?: (store: FeatureStore) => Promise<void>;
  /** How long a change may take to reach another process; default 3000 ms. */
  propagationMs?: number;
}

/** Polls `condition` every 10 ms until it holds or `ms` pass. */
async function eventually(condition: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The contract a `FeatureStore` passes to be done: the backend contract,
 * run on core's synchronised cache over the store, and what the store owes
 * the cache (epochs and versions, a change feed, results that say what
 * changed), checked with two processes on one set of data.
 *
 * @example
 * describeStoreContract('MemoryStore', () => new MemoryStore());
 */
export function describeStoreContract(
  name: string,
  makeStore: () => FeatureStore | Promise<FeatureStore>,
  options: StoreContractOptions = {},
): void {
  const quiet: StoreBackendOptions = { logger: recordingLogger(), resyncIntervalMs: 200, readyTimeoutMs: 3000 };
  const teardown = (store: FeatureStore) => (options.teardown ? options.teardown(store) : store.close());
  const stores = new WeakMap<object, FeatureStore>();

  describeBackendContract(
    `${name} under the synchronised cache`,
    async () => {
      const store = await makeStore();
      const backend = new StoreBackend(store, quiet);
      stores.set(backend, store);
      return backend;
    },
    {
      teardown: async (backend) => {
        await backend.close();
        await teardown(stores.get(backend)!);
      },
    },
  );

  describe(`store contract: ${name}`, () => {
    const propagation = options.propagationMs ?? 3000;
    let opened: { store: FeatureStore; backend: StoreBackend }[] = [];
    const open = (store: FeatureStore) => {
      const backend = new StoreBackend(store, { ...quiet, logger: recordingLogger() });
      opened.push({ store, backend });
      return { backend, rollout: new Rollout(backend, { logger: recordingLogger() }) };
    };
    const storeOf = (side: { backend: StoreBackend }) => side.backend.store;
    const pair = async () => {
      const first = await makeStore();
      const second = options.second ? await options.second(first) : first;
      const a = open(first);
      const b = open(second);
      await Promise.all([a.backend.ready(), b.backend.ready()]);
      return { a, b, first };
    };
    afterEach(async () => {
      const closing = opened;
      opened = [];
      for (const { backend } of closing) await backend.close();
      for (const store of new Set(closing.map((o) => o.store))) await teardown(store);
    });

    it('starts empty, in some epoch, at some version', async () => {
      const store = await makeStore();
      opened.push({ store, backend: new StoreBackend(store, { ...quiet, resyncIntervalMs: false }) });
      const head = await store.head();
      expect(typeof head.epoch).toBe('string');
      expect(Number.isInteger(head.version) && head.version >= 0).toBe(true);
      expect((await store.snapshot()).features).toEqual([]);
    });

    it('a write says the epoch, the version, and the version it followed; the head moves with it', async () => {
      const store = await makeStore();
      opened.push({ store, backend: new StoreBackend(store, { ...quiet, resyncIntervalMs: false }) });
      const defaults = { enabled: true, percentage: 0, variants: [] };
      const one = await store.write('beta', { op: 'add', data: { percentage: 5 }, defaults });
      const two = await store.write('beta', { op: 'addUsers', users: ['alice'] });
      expect(two.epoch).toBe(one.epoch);
      expect(two.version).toBeGreaterThan(one.version);
      expect(two.previousV).toBe(one.feature!.v);
      expect(two.feature).toMatchObject({ name: 'beta', userCount: 1, data: { percentage: 5, enabled: true } });
      expect(await store.head()).toEqual({ epoch: two.epoch, version: two.version });
      const read = await store.read('beta', true);
      expect(read.feature).toMatchObject({ v: two.feature!.v, users: ['alice'] });
    });

    it('keeps fields it does not know, as data', async () => {
      const { a, b } = await pair();
      await a.backend.addFunc('beta', { percentage: 5, rules: [{ attribute: 'country', in: ['FR'] }] } as never);
      expect(a.backend.peek('beta')).toMatchObject({ rules: [{ attribute: 'country', in: ['FR'] }] });
      await eventually(() => b.backend.peek('beta') !== undefined, propagation);
      expect(await b.rollout.getFunc('beta')).toMatchObject({ rules: [{ attribute: 'country', in: ['FR'] }] });
    });

    it('a deny list (when the store has them) is the sorted field deny, changed atomically and absent when empty', async () => {
      const store = await makeStore();
      opened.push({ store, backend: new StoreBackend(store, { ...quiet, resyncIntervalMs: false }) });
      if (!store.denyLists) return; // a store without deny lists: the cache refuses them with HANOI_UNSUPPORTED
      const defaults = { enabled: true, percentage: 0, variants: [] };
      // A read or write result without users has the list, or (a store that keeps it for lookups) its size.
      const denyOf = (feature: ChangedFeature | DamagedFeature | undefined) => {
        const stored = feature as StoredFeature;
        return stored.deniedCount === undefined ? stored.data.deny : stored.deniedCount;
      };
      await store.write('beta', { op: 'add', data: {}, defaults });
      await store.write('beta', { op: 'addDenied', users: ['u2', 'u1', 'u2', 'a,b'] });
      const removed = await store.write('beta', { op: 'removeDenied', users: ['u2', 'ghost'] });
      expect([['a,b', 'u1'], 2]).toContainEqual(denyOf(removed.feature));
      expect((await store.read('beta', true)).feature).toMatchObject({ data: { deny: ['a,b', 'u1'] } });
      expect([['a,b', 'u1'], 2]).toContainEqual(denyOf((await store.read('beta', false)).feature));
      if ((removed.feature as StoredFeature).deniedCount !== undefined) {
        // Kept for lookups: the store answers for the entry `deny <name>` (once it can tell it is connected).
        await eventually(() => store.isConnected?.() !== false, propagation);
        const [one, two] = await store.lookup!([
          { unit: 'u1', names: ['deny beta', 'beta'] },
          { unit: 'u2', names: ['deny beta'] },
        ]);
        expect([[...one!], [...two!]]).toEqual([['deny beta'], []]);
      }
      const emptied = await store.write('beta', { op: 'removeDenied', users: ['u1', 'a,b'] });
      expect(emptied.feature!.data).not.toHaveProperty('deny');
      expect([undefined, 0]).toContain((emptied.feature as StoredFeature).deniedCount);
      await expect(store.write('ghost', { op: 'addDenied', users: ['u1'] })).rejects.toMatchObject({
        code: 'HANOI_FEATURE_NOT_FOUND',
      });
    });

    it("pages an entry's users, deny list and a segment's units, bounded, each id once, searchable", async () => {
      const store = await makeStore();
      opened.push({ store, backend: new StoreBackend(store, { ...quiet, resyncIntervalMs: false }) });
      if (!store.members) return; // core pages what `read` returns
      const defaults = { enabled: true, percentage: 0, variants: [] };
      // Enough ids for a store to keep them as a large set; some with characters a search pattern treats specially.
      const users = Array.from({ length: 300 }, (_, i) => `user-${i}${['', '*', '?x', '[a]', '\\', 'ü'][i % 6]}`);
      const denied = ['u1', 'u2*', 'a,b', 'z'];
      const units = Array.from({ length: 40 }, (_, i) => `org-${i}`);
      await store.write('beta', { op: 'add', data: {}, defaults });
      await store.write('beta', { op: 'addUsers', users });
      await store.write('beta', { op: 'addDenied', users: denied });
      await store.write('segment team', { op: 'add', data: {}, defaults });
      await store.write('segment team', { op: 'addUsers', users: units });
      const readAll = async (name: string, query: Omit<MembersQuery, 'after'>) => {
        const seen: string[] = [];
        let after: string | undefined;
        for (let pages = 0; pages < 1000; pages++) {
          const page = await store.members!(name, { ...query, ...(after !== undefined ? { after } : {}) });
          expect(page.ids.length).toBeLessThanOrEqual(query.limit);
          if (page.total !== undefined) {
            const all = name === 'beta' ? (query.list === 'deny' ? denied : users) : units;
            expect(page.total).toBe(all.filter((id) => id.includes(query.contains ?? '')).length);
          }
          if (page.ordered && after !== undefined) expect(page.ids).not.toContain(after);
          seen.push(...page.ids);
          if (page.next === undefined) return seen;
          after = page.next;
        }
        throw new Error('the pages never end');
      };
      const sorted = (ids: readonly string[]) => [...ids].sort();
      const everyUser = await readAll('beta', { list: 'users', limit: 7 });
      expect(everyUser).toHaveLength(users.length); // each id once
      expect(sorted(everyUser)).toEqual(sorted(users));
      const first = await store.members('beta', { list: 'users', limit: 7 });
      expect(first.ids).toHaveLength(7);
      expect(first.next).toBeDefined();
      expect(sorted(await readAll('beta', { list: 'deny', limit: 3 }))).toEqual(sorted(denied));
      expect(sorted(await readAll('segment team', { list: 'users', limit: 16 }))).toEqual(sorted(units));
      for (const contains of ['*', '?x', '[a]', '\\', 'user-1', 'ü', 'nothing like it']) {
        const found = await readAll('beta', { list: 'users', limit: 9, contains });
        expect(sorted(found)).toEqual(sorted(users.filter((id) => id.includes(contains))));
      }
      expect(await readAll('beta', { list: 'deny', limit: 10, contains: '*' })).toEqual(['u2*']);
      const none = await store.members('ghost', { list: 'users', limit: 5 });
      expect(none.ids).toEqual([]);
      expect(none.next).toBeUndefined();
      expect((await store.members('segment team', { list: 'deny', limit: 5 })).ids).toEqual([]);
      // The public read, through the cache: the same ids.
      const rollout = new Rollout(new StoreBackend(store, { ...quiet, resyncIntervalMs: false }));
      opened.push({ store, backend: rollout.backend as StoreBackend });
      const viaRollout = await rollout.listIds({ segment: 'team', limit: 100 });
      expect(sorted(viaRollout.ids)).toEqual(sorted(units));
      expect(viaRollout.next).toBeUndefined();
    });

    it("a write's result and a reload of what changed give the patterns, or what the process works them out from", async () => {
      const store = await makeStore();
      opened.push({ store, backend: new StoreBackend(store, { ...quiet, resyncIntervalMs: false }) });
      const defaults = { enabled: true, percentage: 0, variants: [] };
      // The model: the patterns as the writes below leave them, keyed by flags and source.
      const model = new Map<string, PatternSpec>();
      const key = (p: PatternSpec) => `${p.flags}/${p.source}`;
      const sorted = (list: readonly PatternSpec[]) =>
        list.map(({ source, flags }) => ({ source, flags })).sort((x, y) => (key(x) < key(y) ? -1 : 1));
      const patternsAfter = (
        result: { feature?: ChangedFeature | undefined },
        write: { op: string; pattern?: PatternSpec },
      ) => {
        // Absent: the patterns held before the write, with the write's own change.
        if (write.pattern && write.op === 'addPattern') model.set(key(write.pattern), write.pattern);
        if (write.pattern && write.op === 'removePattern') model.delete(key(write.pattern));
        if (result.feature?.patterns) expect(sorted(result.feature.patterns)).toEqual(sorted([...model.values()]));
      };
      const created = await store.write('beta', { op: 'add', data: {}, defaults });
      expect(created.feature?.patterns ?? []).toEqual([]);
      const a = { source: '^a', flags: '' };
      const b = { source: 'b$', flags: 'i' };
      const c = { source: 'c', flags: 'su' };
      for (const pattern of [a, b, c])
        patternsAfter(await store.write('beta', { op: 'addPattern', pattern }), { op: 'addPattern', pattern });
      const held = await store.read('beta', true);
      expect(sorted((held.feature as StoredFeature).patterns)).toEqual(sorted([a, b, c]));
      const atHeld = new Map(model);
      patternsAfter(await store.write('beta', { op: 'removePattern', pattern: b }), {
        op: 'removePattern',
        pattern: b,
      });
      patternsAfter(await store.write('beta', { op: 'update', data: { percentage: 4 } }), { op: 'update' });
      const d = { source: 'd', flags: 'm' };
      patternsAfter(await store.write('beta', { op: 'addPattern', pattern: d }), { op: 'addPattern', pattern: d });
      patternsAfter(await store.write('beta', { op: 'removePattern', pattern: d }), {
        op: 'removePattern',
        pattern: d,
      });
      patternsAfter(await store.write('beta', { op: 'addPattern', pattern: b }), { op: 'addPattern', pattern: b });
      patternsAfter(await store.write('beta', { op: 'removePattern', pattern: a }), {
        op: 'removePattern',
        pattern: a,
      });
      // A whole read always has them.
      const now = await store.read('beta', false);
      expect(sorted((now.feature as StoredFeature).patterns)).toEqual(sorted([...model.values()]));
      if (!store.readSince) return;
      const since = await store.readSince('beta', { epoch: held.epoch, version: (held.feature as StoredFeature).v });
      const feature = since.feature as ChangedFeature;
      expect(feature.data.percentage).toBe(4);
      if (feature.patterns) {
        expect(sorted(feature.patterns)).toEqual(sorted([...model.values()]));
        return;
      }
      // Left out: the changes, applied in order to the patterns held at that version, give them.
      expect(since.changes).toBeDefined();
      const worked = new Map(atHeld);
      for (const change of since.patternChanges!) {
        for (const p of change.removed) worked.delete(key(p));
        for (const p of change.added) worked.set(key(p), p);
      }
      expect(sorted([...worked.values()])).toEqual(sorted([...model.values()]));
      // With nothing changed to the patterns since, nothing to apply.
      const latest = await store.readSince('beta', { epoch: now.epoch, version: (now.feature as StoredFeature).v });
      expect(
        latest.feature && !('damaged' in latest.feature) && latest.feature.patterns === undefined
          ? latest.patternChanges
          : [],
      ).toEqual([]);
    });

    it('random adds and removals of patterns from two processes leave both holding what a model holds', async () => {
      const { a, b } = await pair();
      await a.rollout.addFunc('beta');
      await eventually(() => b.backend.peek('beta') !== undefined, propagation);
      // A fixed pseudo-random sequence (a linear congruential generator), so a failure can be replayed.
      let seed = 12345;
      const next = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % n;
      };
      const specs = Array.from({ length: 12 }, (_, i) => ({ source: `^p${i}-`, flags: i % 3 === 0 ? 'i' : '' }));
      const model = new Set<number>();
      const sides = [a, b];
      for (let round = 0; round < 30; round++) {
        // Each round, both processes write at once, on patterns of their own (even ones for a, odd ones for b),
        // so the outcome does not depend on which write lands first.
        await Promise.all(
          sides.map(async (side, s) => {
            const i = next(6) * 2 + s;
            const add = next(2) === 0;
            if (add) model.add(i);
            else model.delete(i);
            await side.backend[add ? 'registerPattern' : 'unregisterPattern']('beta', specs[i]!);
          }),
        );
        if (round % 10 === 4) await a.rollout.setPercentage('beta', 0); // a write that leaves the patterns
      }
      // Reverting the latest pattern write, then a removal and its revert (a restore), from process b.
      const [latest] = await b.rollout.history({ feature: 'beta', limit: 1 });
      const reverted = latest!.after?.patterns?.[0] ?? latest!.before?.patterns?.[0];
      await b.rollout.revert(latest!.id);
      if (reverted) {
        const i = specs.findIndex((p) => p.source === reverted.source && p.flags === reverted.flags);
        if (latest!.after?.patterns?.length) model.delete(i);
        else model.add(i);
      }
      await b.rollout.remove('beta');
      const [removal] = await b.rollout.history({ feature: 'beta', limit: 1 });
      await b.rollout.revert(removal!.id);
      const expected = [...model]
        .map((i) => specs[i]!)
        .sort((x, y) => (x.flags !== y.flags ? (x.flags < y.flags ? -1 : 1) : x.source < y.source ? -1 : 1));
      const held = (side: (typeof sides)[number]) =>
        JSON.stringify(side.backend.peek('beta')?.patterns.map(({ source, flags }) => ({ source, flags })));
      for (const side of sides) await eventually(() => held(side) === JSON.stringify(expected), propagation);
      const stored = await a.backend.getFunc('beta');
      expect(new Set(stored!.patterns.map((p) => `${p.flags}/${p.source}`))).toEqual(
        new Set(expected.map((p) => `${p.flags}/${p.source}`)),
      );
      // What the patterns decide: a unit matched by a listed pattern is in, one matched by none is not.
      for (let i = 0; i < specs.length; i++) {
        const unit = i % 3 === 0 ? `P${i}-x` : `p${i}-x`;
        for (const side of sides) expect(await side.rollout.isEnabled('beta', unit)).toBe(model.has(i));
      }
    });

    it('a change reaches the other process, and a write is visible to its writer at once', async () => {
      const { a, b } = await pair();
      await a.rollout.addFunc('beta', { percentage: 10 });
      expect(a.backend.peek('beta')?.percentage).toBe(10);
      await eventually(() => b.backend.peek('beta')?.percentage === 10, propagation);
      await b.rollout.register('beta', ['alice', 'bob']);
      await b.rollout.unregister('beta', 'bob');
      expect(await b.rollout.isEnabled('beta', 'alice')).toBe(true);
      await eventually(() => a.backend.peek('beta')?.hasUsers === true, propagation);
      expect(await a.rollout.isEnabled('beta', 'alice')).toBe(true);
      expect(await a.rollout.isEnabled('beta', 'bob')).toBe(await b.rollout.isEnabled('beta', 'bob'));
    });

    it('variant values reach the other process unchanged, and its watch hears the write', async () => {
      const { a, b } = await pair();
      const heard: string[] = [];
      b.rollout.watch({ changed: (names) => void heard.push(...names) });
      const variants = [
        { name: 'x', weight: 2, value: { color: 'green', sizes: [1, 2.5], on: true, none: null } },
        { name: 'y', weight: 1, value: 'ünïcödé 🎉' },
        { name: 'z', weight: 1 },
      ];
      await a.rollout.addFunc('beta', { percentage: 100, variants });
      await eventually(() => b.backend.peek('beta') !== undefined && heard.includes('beta'), propagation);
      expect(b.backend.peek('beta')!.variants).toEqual(variants);
      expect((await b.rollout.getFunc('beta'))!.variants).toEqual(variants);
      expect((await storeOf(a).read('beta', false)).feature).toMatchObject({ data: { variants } });
    });

    it('a removed feature leaves nothing behind in either process', async () => {
      const { a, b } = await pair();
      await a.rollout.addFunc('kept');
      await eventually(() => b.backend.peek('kept') !== undefined, propagation);
      const base = [a.backend.cacheSize, b.backend.cacheSize];
      for (let i = 0; i < 50; i++) {
        await a.rollout.addFunc(`gone-${i}`, { percentage: 1 });
        await a.rollout.register(`gone-${i}`, /x$/);
        await a.rollout.register(`gone-${i}`, 'listed-user');
        // Checks that look users up, where the store keeps them (answers a process may keep).
        await a.rollout.isEnabled(`gone-${i}`, 'someone');
        await b.rollout.isEnabled(`gone-${i}`, 'listed-user');
        await a.rollout.remove(`gone-${i}`);
      }
      await a.rollout.setPercentage('kept', 3);
      await eventually(() => b.backend.peek('kept')?.percentage === 3, propagation);
      await eventually(() => a.backend.cacheSize === base[0] && b.backend.cacheSize === base[1], propagation);
    });

    if (options.reset) {
      const reset = options.reset;
      it('after a reset behind its back, every process converges, and a write is visible to its writer', async () => {
        const { a, b, first } = await pair();
        await a.rollout.addFunc('old', { percentage: 100 });
        await a.rollout.addFunc('beta', { percentage: 0 });
        await eventually(() => b.backend.peek('old') !== undefined, propagation);
        await reset(first);
        await a.rollout.addFunc('beta', { percentage: 100 });
        expect(a.backend.peek('beta')?.percentage).toBe(100);
        await a.rollout.addFunc('fresh');
        for (const { backend } of [a, b]) {
          await eventually(
            () =>
              backend.peek('old') === undefined &&
              backend.peek('fresh') !== undefined &&
              backend.peek('beta')?.percentage === 100,
            propagation + 1000,
          );
        }
      });
    }
  });
}
