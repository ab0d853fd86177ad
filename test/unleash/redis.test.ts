import { RedisBackend, RedisHighPerfBackend } from '@hanoi/redis';
import type { Redis } from 'ioredis';
import { quietLogger, useRedis } from '../redis/redis-fixture';
import { uniquePrefix } from '../support/redis-server';
import { describeUnleashSuite } from './unleash-suite';

// The same specification on a real Redis: rules, segments and prerequisites
// go through the store and come back through the synchronised cache.
const redis = useRedis();
let client: Redis;
beforeAll(() => {
  client = redis.client();
});

describeUnleashSuite(
  'RedisBackend',
  async () => new RedisBackend(client, { prefix: uniquePrefix('unleash'), logger: quietLogger() }),
);

// On RedisHighPerfBackend listed users and segments' users stay in Redis: a
// check looks them up, every file included.
describeUnleashSuite(
  'RedisHighPerfBackend',
  async () => new RedisHighPerfBackend(client, { prefix: uniquePrefix('unleash-hp'), logger: quietLogger() }),
);
