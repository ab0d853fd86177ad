import { Rollout, type LookupAnswer } from '@hanoi/core';
import { RedisStore } from '@hanoi/redis';
import { BACKENDS, eventually, quietLogger, uniquePrefix, useRedis, type BackendKind } from './redis-fixture';

// SPEC "Writes, connections and resets": a damaged key (a wrong type, an
// unreadable value) harms only its own feature: every other feature loads and
// updates; the damaged one is reported once, with its name, and operations on
// it reject with a HanoiError with a code.
const redis = useRedis();

describe.each(Object.keys(BACKENDS) as BackendKind[])('%s with a damaged key', (kind) => {
  const open = (prefix: string) => {
    const logger = quietLogger();
    const backend = BACKENDS[kind](redis.client(), { prefix, logger, resyncIntervalMs: 200 });
    return { backend, logger, rollout: new Rollout(backend, { logger }) };
  };
  const damages: [string, (prefix: string) => Promise<unknown>][] = [
    ['a user set of the wrong type', (p) => redis.client().set(`{${p}}:u:bad`, 'oops')],
    [
      'a feature hash of the wrong type',
      (p) =>
        redis
          .client()
          .del(`{${p}}:f:bad`)
          .then(() => redis.client().rpush(`{${p}}:f:bad`, 'x')),
    ],
    ['an unreadable percentage', (p) => redis.client().hset(`{${p}}:f:bad`, 'percentage', 'abc')],
    ['unreadable variants', (p) => redis.client().hset(`{${p}}:f:bad`, 'variants', '{nope')],
  ];

  it.each(damages)('%s harms only its feature', async (_label, damage) => {
    const prefix = uniquePrefix(kind);
    const running = open(prefix);
    await running.backend.ready();
    await running.rollout.addFunc('good', { percentage: 10 });
    await running.rollout.addFunc('bad', { percentage: 100 });
    await running.rollout.register('bad', 'alice');
    await damage(prefix);

    // A process started now loads every other feature.
    const fresh = open(prefix);
    await fresh.backend.ready();
    expect(fresh.backend.peek('good')?.percentage).toBe(10);
    expect(fresh.backend.peek('bad')).toBeUndefined();
    expect(await fresh.rollout.isEnabled('bad', 'alice')).toBe(false);

    // Operations on it reject with a code (but one that replaces the unreadable
    // value, which repairs it); on the others they work, and reach every process.
    for (const op of [
      () => fresh.rollout.register('bad', 'bob'),
      () => fresh.rollout.toggle('bad'),
      () => fresh.rollout.getFunc('bad'),
      () => running.rollout.enable('bad'),
    ]) {
      await expect(op()).rejects.toMatchObject({ code: 'HANOI_FEATURE_DAMAGED', feature: 'bad' });
    }
    await fresh.rollout.setPercentage('good', 55);
    await eventually(() => running.backend.peek('good')?.percentage === 55);
    await running.rollout.addFunc('other', { percentage: 100 });
    await eventually(() => fresh.backend.peek('other') !== undefined);
    expect(running.backend.peek('bad')).toBeUndefined();

    // Reported once, with its name, however often it is met.
    await new Promise((resolve) => setTimeout(resolve, 500)); // a few periodic checks
    for (const { logger } of [fresh, running]) {
      expect(logger.messages.filter((m) => m.includes('"bad"'))).toHaveLength(1);
    }

    // remove deletes what is stored; the feature can be made again.
    await fresh.rollout.remove('bad');
    await fresh.rollout.addFunc('bad', { percentage: 100 });
    expect(await fresh.rollout.isEnabled('bad', 'anyone')).toBe(true);
    await eventually(() => running.backend.peek('bad')?.percentage === 100);
    await Promise.all([fresh.backend.close(), running.backend.close()]);
  });
});

// A lookup (RedisHighPerfBackend) of a key that has the wrong type harms
// only that key: the store names it unknown, and core decides it as a failed
// lookup (SPEC: a unit whose lookup fails counts as denied, and as in no
// segment, an IN_SEGMENT constraint failing inverted or not). It still
// answers the other keys of the same call.
describe('a lookup over a damaged key', () => {
  const damaged = async () => {
    const prefix = uniquePrefix('lookup');
    const client = redis.client();
    const store = new RedisStore(client, { prefix }, false);
    await client.sadd(`{${prefix}}:u:good`, 'alice');
    await client.set(`{${prefix}}:u:string`, 'alice');
    await client.hset(`{${prefix}}:u:hash`, 'alice', '1');
    await client.rpush(`{${prefix}}:u:list`, 'alice');
    await client.sadd(`{${prefix}}:d:good`, 'alice');
    await client.set(`{${prefix}}:d:bad`, 'alice');
    return store;
  };

  const shape = (answer: LookupAnswer) => ({ listed: [...answer].sort(), unknown: [...(answer.unknown ?? [])].sort() });

  it('names the damaged keys unknown and answers the truth for the others', async () => {
    const store = await damaged();
    const names = ['string', 'good', 'hash', 'missing', 'list', 'deny good', 'deny bad'];
    const answers = await store.lookup([
      { unit: 'alice', names },
      { unit: 'bob', names: ['good', 'string', 'deny good', 'deny bad'] },
    ]);
    expect(answers.map(shape)).toEqual([
      { listed: ['deny good', 'good'], unknown: ['deny bad', 'hash', 'list', 'string'] },
      { listed: [], unknown: ['deny bad', 'string'] },
    ]);
    await store.close();
  });

  // One name alone takes another command (a plain SISMEMBER): the same answers.
  it.each([
    ['alice', 'good', ['good'], []],
    ['bob', 'good', [], []],
    ['alice', 'string', [], ['string']],
    ['alice', 'hash', [], ['hash']],
    ['alice', 'missing', [], []],
    ['alice', 'deny good', ['deny good'], []],
    ['bob', 'deny good', [], []],
    ['bob', 'deny bad', [], ['deny bad']],
  ])('asked alone, %s on %s: listed %j, unknown %j', async (unit, name, listed, unknown) => {
    const store = await damaged();
    const answers = await store.lookup([{ unit, names: [name] }]);
    expect(answers.map(shape)).toEqual([{ listed, unknown }]);
    await store.close();
  });

  it('a damaged segment fails the IN_SEGMENT constraints that ask it, inverted or not; the others stand', async () => {
    const prefix = uniquePrefix('lookup');
    const logger = quietLogger();
    const backend = BACKENDS.RedisHighPerfBackend(redis.client(), { prefix, logger, resyncIntervalMs: 600_000 });
    const rollout = new Rollout(backend, { logger });
    let reader: ReturnType<typeof BACKENDS.RedisHighPerfBackend> | undefined;
    try {
      await rollout.defineSegment('testers', { users: ['u1'] });
      await rollout.defineSegment('staff', { users: ['u1'] });
      const segment = (name: string, inverted: boolean) => ({
        operator: 'IN_SEGMENT' as const,
        values: [name],
        inverted,
      });
      await rollout.addFunc('not-testers', { rules: [{ constraints: [segment('testers', true)] }] });
      await rollout.addFunc('testers-only', { rules: [{ constraints: [segment('testers', false)] }] });
      await rollout.addFunc('not-staff', { rules: [{ constraints: [segment('staff', true)] }] });
      await eventually(() => backend.peek('not-staff') !== undefined);
      expect(await rollout.isEnabled('not-testers', 'u3')).toBe(true);
      expect(await rollout.isEnabled('testers-only', 'u1')).toBe(true);
      await redis.client().del(`{${prefix}}:u:segment testers`);
      await redis.client().set(`{${prefix}}:u:segment testers`, 'oops');
      expect(await rollout.isEnabled('not-testers', 'u3')).toBe(false);
      expect(await rollout.isEnabled('testers-only', 'u1')).toBe(false);
      // And a process started now, which holds the segment as damaged (unknown), not as absent.
      reader = BACKENDS.RedisHighPerfBackend(redis.client(), { prefix, logger, resyncIntervalMs: 600_000 });
      const fresh = new Rollout(reader, { logger });
      await fresh.ready();
      expect(await fresh.isEnabled('not-testers', 'u3')).toBe(false);
      expect(await fresh.isEnabled('testers-only', 'u1')).toBe(false);
      // In one request: the damaged segment's features off, the healthy one's answer stands.
      const outsider = await fresh.forUser('u3');
      expect(['not-testers', 'testers-only', 'not-staff'].map((f) => outsider.isEnabled(f))).toEqual([
        false,
        false,
        true,
      ]);
      const member = await fresh.forUser('u1');
      expect(['not-testers', 'testers-only', 'not-staff'].map((f) => member.isEnabled(f))).toEqual([
        false,
        false,
        false,
      ]);
    } finally {
      await backend.close();
      await reader?.close();
    }
  });

  it('a check on a feature whose deny list is damaged answers off, whatever the check asks', async () => {
    const prefix = uniquePrefix('lookup');
    const logger = quietLogger();
    const backend = BACKENDS.RedisHighPerfBackend(redis.client(), { prefix, logger, resyncIntervalMs: 600_000 });
    const rollout = new Rollout(backend, { logger });
    let reader: ReturnType<typeof BACKENDS.RedisHighPerfBackend> | undefined;
    try {
      await rollout.addFunc('bad', { percentage: 100 });
      await rollout.deny('bad', 'bob');
      await rollout.addFunc('other', { percentage: 100 });
      await rollout.deny('other', 'bob');
      await eventually(() => backend.peek('bad')?.targeting?.deniedInStore === true);
      expect(await rollout.isEnabled('bad', 'alice')).toBe(true);
      await redis.client().set(`{${prefix}}:d:bad`, 'oops');
      expect(await rollout.isEnabled('bad', 'alice')).toBe(false);
      // And a process started now.
      reader = BACKENDS.RedisHighPerfBackend(redis.client(), { prefix, logger, resyncIntervalMs: 600_000 });
      const fresh = new Rollout(reader, { logger });
      await fresh.ready();
      // Alone (one key), and in a request that asks both deny lists at once (one script).
      expect(await fresh.isEnabled('bad', 'alice')).toBe(false);
      const features = await fresh.forUser('alice');
      expect([features.isEnabled('bad'), features.isEnabled('other')]).toEqual([false, true]);
      expect(await fresh.isEnabled('other', 'alice')).toBe(true);
      expect(await fresh.isEnabled('other', 'bob')).toBe(false);
    } finally {
      await backend.close();
      await reader?.close();
    }
  });
});
