import type { FeatureStore } from '@hanoi/core';
import { describeStoreContract } from '@hanoi/core/testing';
import { RedisStore } from '@hanoi/redis';
import type { Redis } from 'ioredis';
import { quietLogger, uniquePrefix, useRedis } from './redis-fixture';

// The store contract of @hanoi/core/testing on the Redis store, in both
// configurations: a second process is another client on the same prefix, and
// a reset deletes every key of the prefix, as FLUSHALL would.
const redis = useRedis();
let clients: Redis[];
beforeAll(() => {
  clients = [redis.client(), redis.client()];
});

async function wipe(store: FeatureStore): Promise<void> {
  const { client, config } = store as RedisStore;
  const keys = await (client as Redis).keys(`${config.keys.base}*`);
  if (keys.length > 0) await (client as Redis).del(...keys);
}

for (const holdsUsers of [true, false]) {
  const kind = holdsUsers ? 'RedisStore holding users (RedisBackend)' : 'RedisStore with users in Redis (HighPerf)';
  let prefix = '';
  describeStoreContract(
    kind,
    () => {
      prefix = uniquePrefix('store');
      return new RedisStore(clients[0]!, { prefix, logger: quietLogger() }, holdsUsers);
    },
    {
      second: () => new RedisStore(clients[1]!, { prefix, logger: quietLogger() }, holdsUsers),
      reset: wipe,
    },
  );
}
