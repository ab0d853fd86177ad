import { Rollout, type Backend } from '@hanoi/core';
import type { Redis } from 'ioredis';
import { fence, watchCommands } from '../support/redis-monitor';
import { BACKENDS, eventually, quietLogger, storeOf, uniquePrefix, useRedis, type BackendKind } from './redis-fixture';

// What each backend sends to Redis, watched with MONITOR on a side connection.
const redis = useRedis();

/** Records every command the server runs (scripts' inner calls show with source 'lua'). */
const watch = () => watchCommands(() => redis.client());

const localAddress = (client: Redis) => {
  const stream = (client as unknown as { stream: { localAddress: string; localPort: number } }).stream;
  return `${stream.localAddress}:${stream.localPort}`;
};

describe.each(Object.keys(BACKENDS) as BackendKind[])('%s: commands sent', (kind) => {
  let client: Redis;
  let backend: Backend;
  let rollout: Rollout;
  beforeEach(async () => {
    client = redis.client();
    backend = BACKENDS[kind](client, { prefix: uniquePrefix(kind), logger: quietLogger() });
    rollout = new Rollout(backend, { logger: quietLogger() });
    await rollout.ready();
    // Ten features of every kind: listed users, patterns, percentages, variants, off.
    for (let i = 0; i < 10; i++) {
      await rollout.addFunc(`f${i}`, { percentage: i * 10, variants: i % 2 ? ['a', 'b'] : [], enabled: i !== 9 });
      await rollout.register(`f${i}`, ['alice', `user-${i}`]);
    }
    await rollout.register('f3', /^bob/);
  });
  afterEach(() => backend.close());

  it('a request-sized batch of 10 checks through forUser sends at most one command', async () => {
    const monitor = await watch();
    const before = monitor.seen.length;
    for (const user of ['alice', 'bob-1', 'nobody', 'user-4']) {
      const start = monitor.seen.length;
      const features = await rollout.forUser(user);
      for (let i = 0; i < 10; i++) {
        features.isEnabled(`f${i}`);
        features.variant(`f${i}`);
      }
      await fence(monitor, client); // the watch has seen everything the checks sent
      const mine = monitor.seen.slice(start).filter((s) => s.source === localAddress(client) && s.args[0] !== 'echo');
      expect(mine.length).toBe(kind === 'RedisBackend' ? 0 : 1);
    }
    expect(monitor.seen.length).toBeGreaterThan(before);
    monitor.stop();
  });

  it('checks, listFuncs, loading and resyncing send no KEYS and no SCAN', async () => {
    const monitor = await watch();
    const otherClient = redis.client();
    const other = BACKENDS[kind](otherClient, {
      prefix: storeOf(backend).config.keys.prefix,
      logger: quietLogger(),
    });
    await other.ready();
    for (const user of ['alice', 'bob-1', 'nobody']) {
      for (let i = 0; i < 10; i++) {
        await rollout.isEnabled(`f${i}`, user);
        await rollout.variant(`f${i}`, user);
      }
      await rollout.forUser(user);
    }
    expect((await rollout.listFuncs()).sort()).toEqual([...Array(10).keys()].map((i) => `f${i}`).sort());
    await rollout.getFunc('f3');
    await fence(monitor, client);
    await other.close();
    // On a shared server (REDIS_URL), only this test's connections and scripts count.
    const ours = new Set([localAddress(client), localAddress(otherClient), 'lua']);
    const scans = monitor.seen.filter(
      (s) => /^(keys|scan|sscan|hscan)$/i.test(s.args[0] ?? '') && (!process.env.REDIS_URL || ours.has(s.source)),
    );
    expect(scans).toEqual([]);
    // The watch saw the work: the snapshot and the lookups ran, by script.
    expect(monitor.seen.some((s) => /^(evalsha|eval)$/i.test(s.args[0] ?? ''))).toBe(true);
    monitor.stop();
  });

  it('a write sends back what it changed, never the whole user set', async () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `member-${i}`);
    await rollout.addFunc('big', { percentage: 0 });
    await rollout.register('big', ids);
    const monitor = await watch();
    await rollout.register('big', 'one-more');
    await rollout.unregister('big', 'member-7');
    await rollout.setPercentage('big', 1);
    await new Promise((resolve) => setTimeout(resolve, 100)); // this process's own messages arrive
    await fence(monitor, client);
    const usersKey = `${storeOf(backend).config.keys.base}u:big`;
    const reads = monitor.seen.filter((s) => /^smembers$/i.test(s.args[0] ?? '') && s.args[1] === usersKey);
    expect(reads).toEqual([]);
    expect(await rollout.isEnabled('big', 'one-more')).toBe(true);
    expect(await rollout.isEnabled('big', 'member-7')).toBe(false);
    expect(await rollout.isEnabled('big', 'member-8')).toBe(true);
    monitor.stop();
  });
});

describe('RedisBackend: another process applies what a write changed', () => {
  /** A writer and another process on one prefix, both loaded. */
  const twoProcesses = async (prefix: string) => {
    const writer = BACKENDS.RedisBackend(redis.client(), { prefix, logger: quietLogger() });
    const other = BACKENDS.RedisBackend(redis.client(), { prefix, logger: quietLogger() });
    const rollout = new Rollout(writer, { logger: quietLogger() });
    const seen = new Rollout(other, { logger: quietLogger() });
    await Promise.all([rollout.ready(), seen.ready()]);
    return { writer, other, rollout, seen };
  };

  it('a write seen on the feed costs the other process what it changed: no read of the whole user set', async () => {
    const prefix = uniquePrefix('since');
    const { writer, other, rollout } = await twoProcesses(prefix);
    try {
      const ids = Array.from({ length: 5000 }, (_, i) => `member-${i}`);
      await rollout.addFunc('big', { percentage: 0 });
      await rollout.register('big', ids);
      await eventually(() => other.peek('big')?.users?.size === 5000);
      const monitor = await watch();
      await rollout.register('big', 'one-more');
      await rollout.unregister('big', ['member-7', 'member-9']);
      await rollout.setPercentage('big', 1);
      await rollout.register('big', ['member-7', 'two-more']);
      // What the other process holds, as computed from the writes above: the 5,000 ids, less member-9, plus two.
      const expected = new Set([...ids.filter((id) => id !== 'member-9'), 'one-more', 'two-more']);
      await eventually(() => other.peek('big')?.percentage === 1 && other.peek('big')?.users?.size === expected.size);
      const usersKey = `${storeOf(other).config.keys.base}u:big`;
      const reads = monitor.seen.filter((s) => /^smembers$/i.test(s.args[0] ?? '') && s.args[1] === usersKey);
      expect(reads).toEqual([]);
      expect(new Set(other.peek('big')!.users)).toEqual(expected);
      monitor.stop();
    } finally {
      await writer.close();
      await other.close();
    }
  });

  it('a process started after the writes applies its first change through the history: no whole read', async () => {
    const prefix = uniquePrefix('since-late');
    const writer = BACKENDS.RedisBackend(redis.client(), { prefix, logger: quietLogger() });
    const rollout = new Rollout(writer, { logger: quietLogger() });
    let late: Backend | undefined;
    try {
      await rollout.ready();
      await rollout.addFunc('many', { percentage: 0 });
      await rollout.register('many', ['a', 'b']);
      for (let i = 0; i < 50; i++) await rollout.register('many', new RegExp(`^p${i}-`));
      // Started now: its snapshot is its only read of the users and patterns.
      late = BACKENDS.RedisBackend(redis.client(), { prefix, logger: quietLogger() });
      await late.ready();
      const monitor = await watch();
      await rollout.register('many', 'c');
      await eventually(() => late!.peek('many')?.users?.has('c') === true);
      await rollout.register('many', /^extra$/);
      await eventually(() => late!.peek('many')?.patterns.length === 51);
      const { base } = storeOf(late).config.keys;
      const whole = monitor.seen.filter(
        (s) => /^smembers$/i.test(s.args[0] ?? '') && [`${base}u:many`, `${base}p:many`].includes(s.args[1] ?? ''),
      );
      expect(whole).toEqual([]);
      monitor.stop();
      expect(new Set(late.peek('many')!.users)).toEqual(new Set(['a', 'b', 'c']));
      expect(await new Rollout(late, { logger: quietLogger() }).isEnabled('many', 'extra')).toBe(true);
    } finally {
      await writer.close();
      await late?.close();
    }
  });

  it('keeps the deny list through a reload of what changed: the other process still denies', async () => {
    const prefix = uniquePrefix('since-deny');
    const { writer, other, rollout, seen } = await twoProcesses(prefix);
    try {
      await rollout.addFunc('beta', { percentage: 100 });
      await rollout.deny('beta', ['mallory', 'trudy']);
      await eventually(() => other.peek('beta')?.targeting?.denied.size === 2);
      await rollout.register('beta', 'alice');
      await rollout.undeny('beta', 'trudy');
      await rollout.register('beta', 'bob');
      await eventually(() => other.peek('beta')?.users?.has('bob') === true);
      // SPEC: the deny list beats 100%; trudy was undenied, mallory was not.
      expect(await seen.isEnabled('beta', 'mallory')).toBe(false);
      expect(await seen.isEnabled('beta', 'trudy')).toBe(true);
      expect([...other.peek('beta')!.targeting!.denied]).toEqual(['mallory']);
    } finally {
      await writer.close();
      await other.close();
    }
  });

  it('readSince: the changes while the history links them; the whole feature when it does not', async () => {
    const backend = (historyLimit: number) =>
      BACKENDS.RedisBackend(redis.client(), { prefix: uniquePrefix('since'), logger: quietLogger(), historyLimit });
    for (const limit of [100, 2]) {
      const writer = backend(limit);
      try {
        const store = storeOf(writer);
        await store.write('beta', { op: 'add', data: {}, defaults: { enabled: true, percentage: 0, variants: [] } });
        const held = await store.write('beta', { op: 'addUsers', users: ['a', 'b'] });
        await store.write('beta', { op: 'addUsers', users: ['c', 'a'] });
        await store.write('beta', { op: 'update', data: { percentage: 5 } });
        await store.write('beta', { op: 'removeUsers', users: ['a', 'x'] });
        const read = await store.readSince('beta', { epoch: held.epoch, version: held.feature!.v });
        const feature = read.feature as { data: { percentage: number }; userCount: number; users?: string[] };
        expect(feature.data.percentage).toBe(5);
        expect(feature.userCount).toBe(2);
        if (limit === 100) {
          // Three writes since: each with the ids it changed (c added; a removed, x never listed).
          expect(read.changes).toEqual([
            { added: ['c'], removed: [] },
            { added: [], removed: [] },
            { added: [], removed: ['a'] },
          ]);
          expect(feature.users).toBeUndefined();
        } else {
          // The history keeps two entries: the first write since the held version is gone.
          expect(read.changes).toBeUndefined();
          expect(new Set(feature.users)).toEqual(new Set(['b', 'c']));
        }
        const otherEpoch = await store.readSince('beta', { epoch: 'elsewhere', version: held.feature!.v });
        expect(otherEpoch.changes).toBeUndefined();
        expect(new Set((otherEpoch.feature as { users?: string[] }).users)).toEqual(new Set(['b', 'c']));
      } finally {
        await writer.close();
      }
    }
  });
});

describe.each(Object.keys(BACKENDS) as BackendKind[])('%s: a change to a feature with many patterns', (kind) => {
  it('reads the pattern set in neither the writer nor another process, and both hold what the writes leave', async () => {
    const prefix = uniquePrefix('pdelta');
    const writer = BACKENDS[kind](redis.client(), { prefix, logger: quietLogger() });
    const other = BACKENDS[kind](redis.client(), { prefix, logger: quietLogger() });
    const rollout = new Rollout(writer, { logger: quietLogger() });
    const seen = new Rollout(other, { logger: quietLogger() });
    try {
      await rollout.ready();
      await seen.ready();
      await rollout.addFunc('many', { percentage: 0 });
      const client = redis.client();
      const patternsKey = `${storeOf(writer).config.keys.base}p:many`;
      for (let i = 0; i < 500; i++) await rollout.register('many', new RegExp(`^p${i}-`));
      await eventually(
        () => writer.peek('many')?.patterns.length === 500 && other.peek('many')?.patterns.length === 500,
      );
      const monitor = await watch();
      await rollout.register('many', 'alice');
      await rollout.setPercentage('many', 1);
      await rollout.register('many', /^extra$/);
      await rollout.unregister('many', /^p7-/);
      await rollout.register('many', 'bob');
      await eventually(
        async () =>
          other.peek('many')?.percentage === 1 &&
          other.peek('many')?.patterns.length === 500 &&
          (await seen.isEnabled('many', 'bob')),
      );
      await fence(monitor, client);
      const reads = monitor.seen.filter((s) => /^smembers$/i.test(s.args[0] ?? '') && s.args[1] === patternsKey);
      expect(reads).toEqual([]);
      monitor.stop();
      // What both hold: the 500 less ^p7- plus ^extra$, in the order by flags then source.
      const expected = [...Array.from({ length: 500 }, (_, i) => `^p${i}-`).filter((s) => s !== '^p7-'), '^extra$']
        .map((source) => ({ source, flags: '' }))
        .sort((x, y) => (x.source < y.source ? -1 : 1));
      for (const backend of [writer, other]) {
        expect(backend.peek('many')!.patterns.map(({ source, flags }) => ({ source, flags }))).toEqual(expected);
      }
      for (const r of [rollout, seen]) {
        expect(
          await Promise.all(['extra', 'p7-x', 'p8-x', 'p77-x', 'alice'].map((unit) => r.isEnabled('many', unit))),
        ).toEqual([true, false, true, true, true]);
      }
    } finally {
      await writer.close();
      await other.close();
    }
  });
});
