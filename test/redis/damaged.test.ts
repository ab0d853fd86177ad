import { Rollout } from '@hanoi/core';
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

// A lookup (RedisHighPerfBackend) of a user set that has the wrong type
// answers "not listed" for that key, fails closed, and still answers the
// other keys of the same call.
describe('a lookup over a damaged user set', () => {
  it('answers not listed for the damaged key and the truth for the others', async () => {
    const prefix = uniquePrefix('lookup');
    const client = redis.client();
    const store = new RedisStore(client, { prefix }, false);
    await client.sadd(`{${prefix}}:u:good`, 'alice');
    await client.set(`{${prefix}}:u:string`, 'alice');
    await client.hset(`{${prefix}}:u:hash`, 'alice', '1');
    await client.rpush(`{${prefix}}:u:list`, 'alice');
    await client.sadd(`{${prefix}}:d:good`, 'alice');
    await client.set(`{${prefix}}:d:bad`, 'alice');
    const names = ['string', 'good', 'hash', 'missing', 'list', 'deny good', 'deny bad'];
    const listed = await store.lookup([
      { unit: 'alice', names },
      { unit: 'bob', names: ['good', 'string'] },
    ]);
    expect([...listed[0]!].sort()).toEqual(['deny good', 'good']);
    expect([...listed[1]!]).toEqual([]);
    await store.close();
  });
});
