import { Rollout, type StoreWrite } from '@hanoi/core';
import { BACKENDS, quietLogger, storeOf, uniquePrefix, useRedis, type BackendKind } from './redis-fixture';

// A register or an unregister is the write made most often: its script reads
// what its reply carries before it changes anything, and those reads are its
// type checks. What it replies must still be what the store holds after it,
// and a damaged key must still refuse it whole, naming the key, with nothing
// written and no history entry.
const redis = useRedis();

describe.each(Object.keys(BACKENDS) as BackendKind[])('%s: a write of users', (kind) => {
  const open = async () => {
    const prefix = uniquePrefix(kind);
    const backend = BACKENDS[kind](redis.client(), { prefix, logger: quietLogger() });
    const rollout = new Rollout(backend, { logger: quietLogger() });
    await rollout.ready();
    const store = storeOf(backend);
    return { prefix, backend, rollout, store, base: store.config.keys.base };
  };

  it('replies the feature as the store holds it after the write', async () => {
    const { backend, rollout, store } = await open();
    await rollout.addFunc('beta', { percentage: 30 });
    await rollout.toggle('beta');
    await rollout.register('beta', ['bob']);
    await rollout.deny('beta', ['mallory']);
    await rollout.register('beta', /^qa-/);
    const writes: [StoreWrite, number][] = [
      // ids: alice and carol new, bob already there, alice twice: 3 users.
      [{ op: 'addUsers', users: ['alice', 'bob', 'alice', 'carol'] }, 3],
      // bob removed, zed never there, bob twice: 2 users.
      [{ op: 'removeUsers', users: ['bob', 'zed', 'bob'] }, 2],
      // none new: the count stays.
      [{ op: 'addUsers', users: ['alice'] }, 2],
    ];
    for (const [write, users] of writes) {
      const result = await store.write('beta', write);
      const read = await store.read('beta', false);
      expect(result.version).toBe(read.version);
      expect(result.feature).toMatchObject({
        name: 'beta',
        v: read.version,
        userCount: users,
        data: { enabled: false, percentage: 30, variants: [] },
      });
      // The patterns are left out (there is one); the deny list as each backend holds it.
      expect(result.feature!.patterns).toBeUndefined();
      if (kind === 'RedisBackend') expect(result.feature!.data.deny).toEqual(['mallory']);
      else expect(result.feature!.deniedCount).toBe(1);
    }
    expect((await rollout.history({ feature: 'beta', limit: 3 })).map((e) => [e.before, e.after])).toEqual([
      [{}, { users: [] }],
      [{ users: ['bob'] }, {}],
      [{}, { users: ['alice', 'carol'] }],
    ]);
    await backend.close();
  });

  const damages: [string, string, (key: string) => Promise<unknown>, string][] = [
    ['f', 'hash', (key) => redis.client().rpush(key, 'x'), 'list'],
    ['u', 'set', (key) => redis.client().set(key, 'oops'), 'string'],
    ['p', 'set', (key) => redis.client().set(key, 'oops'), 'string'],
    ['d', 'set', (key) => redis.client().hset(key, 'a', '1'), 'hash'],
  ];

  it.each(damages)(
    'a %s key that is not a %s refuses it, naming the key, and writes nothing',
    async (k, want, damage, is) => {
      const { backend, rollout, store, base } = await open();
      await rollout.addFunc('beta', { percentage: 30 });
      await rollout.register('beta', ['bob']);
      const key = `${base}${k}:beta`;
      await redis.client().del(key);
      await damage(key);
      const version = await redis.client().get(`${base}version`);
      const entries = await redis.client().xlen(`${base}history`);
      for (const write of [
        { op: 'addUsers', users: ['alice'] },
        { op: 'removeUsers', users: ['bob'] },
      ] as StoreWrite[]) {
        const refused = store.write('beta', write);
        await expect(refused).rejects.toMatchObject({ code: 'HANOI_FEATURE_DAMAGED', feature: 'beta' });
        await expect(refused).rejects.toThrow(`${key} is a ${is}, not a ${want}`);
      }
      expect(await redis.client().get(`${base}version`)).toBe(version);
      expect(await redis.client().xlen(`${base}history`)).toBe(entries);
      if (k !== 'u') expect((await redis.client().smembers(`${base}u:beta`)).sort()).toEqual(['bob']);
      await backend.close();
    },
  );

  it('a conditional write on a damaged history says the history is damaged, as any other write', async () => {
    const { backend, rollout, store, base } = await open();
    await rollout.addFunc('beta');
    const write: StoreWrite = {
      op: 'addUsers',
      users: ['alice'],
      meta: { actor: 'test', source: 'api', expect: 'not-the-latest' },
    };
    await expect(store.write('beta', write)).rejects.toMatchObject({ code: 'HANOI_CONFLICT' });
    const stream = await redis.client().dumpBuffer(`${base}history`);
    await redis.client().del(`${base}history`);
    await redis.client().set(`${base}history`, 'not a stream');
    for (const refused of [store.write('beta', write), store.write('beta', { op: 'addUsers', users: ['alice'] })]) {
      await expect(refused).rejects.toMatchObject({ code: 'HANOI_HISTORY_DAMAGED' });
      await expect(refused).rejects.toThrow(`${base}history is a string, not a stream`);
    }
    expect(await redis.client().smembers(`${base}u:beta`)).toEqual([]);
    await redis.client().del(`${base}history`);
    await redis.client().restore(`${base}history`, 0, stream!);
    await backend.close();
  });
});
