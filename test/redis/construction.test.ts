import { Rollout } from '@hanoi/core';
import { RedisBackend, RedisHighPerfBackend, prefixKeys } from '@hanoi/redis';
import type { Redis } from 'ioredis';
import { BACKENDS, eventually, quietLogger, uniquePrefix, useRedis, type BackendKind } from './redis-fixture';

const redis = useRedis();
let client: Redis;
beforeAll(() => {
  client = redis.client();
});

describe('construction: wrong shapes are TypeErrors, found at once', () => {
  const Constructors = [RedisBackend, RedisHighPerfBackend];
  it.each([
    ['an empty prefix', { prefix: '' }],
    ['a prefix with {', { prefix: 'a{b' }],
    ['a prefix with }', { prefix: 'a}b' }],
    ['a prefix with a space', { prefix: 'a b' }],
    ['a prefix of 65 characters', { prefix: 'x'.repeat(65) }],
    ['a numeric prefix', { prefix: 42 }],
    ['a zero timeout', { writeTimeoutMs: 0 }],
    ['a string timeout', { readyTimeoutMs: '100' }],
    ['an infinite interval', { resyncIntervalMs: Infinity }],
    ['a logger without error', { logger: { warn() {} } }],
    ['an onError that is not a function', { onError: 'log' }],
    ['a bootstrap that is not an array', { bootstrap: {} }],
    [
      'a bootstrap feature without users',
      { bootstrap: [{ name: 'a', enabled: true, percentage: 1, patterns: [], variants: [] }] },
    ],
    ['options that are not an object', 'fast'],
  ])('%s', (_what, options) => {
    for (const Constructor of Constructors) {
      expect(() => new Constructor(client, options as never)).toThrow(TypeError);
    }
  });

  it('a client that is not ioredis', () => {
    for (const Constructor of Constructors) {
      expect(() => new Constructor({} as never)).toThrow(TypeError);
      expect(() => new Constructor(null as never)).toThrow(TypeError);
    }
  });

  it('a 64-character prefix and one with separators are fine; every key carries the prefix as one hash tag', () => {
    const keys = prefixKeys('a:b|c');
    expect([keys.index, keys.version, keys.channel]).toEqual(['{a:b|c}:index', '{a:b|c}:version', '{a:b|c}:changes']);
    expect(keys.feature('u', 'users:x')).toBe('{a:b|c}:u:users:x');
    expect(keys.feature('f', 'x')).not.toBe(keys.feature('f', 'users:x'));
    const backend = new RedisBackend(client, { prefix: 'x'.repeat(64), logger: quietLogger() });
    return backend.close();
  });
});

describe.each(Object.keys(BACKENDS) as BackendKind[])('%s beyond the contract', (kind) => {
  it('through a client with an ioredis keyPrefix, changes still reach another process', async () => {
    const prefix = uniquePrefix(kind);
    const one = BACKENDS[kind](redis.client({ keyPrefix: 'app:' }), {
      prefix,
      logger: quietLogger(),
      resyncIntervalMs: 60_000,
    });
    const two = BACKENDS[kind](redis.client({ keyPrefix: 'app:' }), {
      prefix,
      logger: quietLogger(),
      resyncIntervalMs: 60_000,
    });
    await Promise.all([one.ready(), two.ready()]);
    await new Rollout(one).addFunc('beta', { percentage: 7 });
    await eventually(() => two.peek('beta')?.percentage === 7);
    expect(await client.exists(`app:{${prefix}}:f:beta`)).toBe(1);
    await Promise.all([one.close(), two.close()]);
  });

  it('registers 45,000 users in one call within the default timeouts, and another process sees them', async () => {
    const prefix = uniquePrefix(kind);
    const writer = new Rollout(BACKENDS[kind](client, { prefix, logger: quietLogger() }));
    const reader = BACKENDS[kind](redis.client(), { prefix, logger: quietLogger() });
    await Promise.all([writer.ready(), reader.ready()]);
    await writer.addFunc('beta');
    const ids = Array.from({ length: 45_000 }, (_, i) => `user-${i}`);
    await writer.register('beta', ids);
    expect(await client.scard(`{${prefix}}:u:beta`)).toBe(45_000);
    if (kind === 'RedisBackend') {
      expect(writer.peek('beta')!.users!.size).toBe(45_000);
      await eventually(() => reader.peek('beta')?.users?.size === 45_000, 5000);
    } else {
      expect(writer.peek('beta')!.users).toBeUndefined();
      await eventually(() => reader.peek('beta')?.hasUsers === true);
      expect([...(await reader.lookupUser!('user-44999', ['beta']))]).toEqual(['beta']);
    }
    await writer.unregister('beta', ids);
    expect(writer.peek('beta')!.hasUsers).toBe(false);
    await Promise.all([writer.close(), reader.close()]);
  });
});
