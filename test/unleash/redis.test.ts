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

// Segments are refused on RedisHighPerfBackend (HANOI_UNSUPPORTED), so only the
// files without segments run on it.
describeUnleashSuite(
  'RedisHighPerfBackend',
  async () => new RedisHighPerfBackend(client, { prefix: uniquePrefix('unleash-hp'), logger: quietLogger() }),
  (prefix) => prefix !== '15',
);
