import type { Redis } from 'ioredis';
import { describeBackendContract } from '@hanoi/core/testing';
import { BACKENDS, quietLogger, uniquePrefix, useRedis } from './redis-fixture';

const redis = useRedis();
let client: Redis;
beforeAll(() => {
  client = redis.client();
});

for (const [kind, make] of Object.entries(BACKENDS)) {
  // A fresh random prefix per test: the store starts empty without flushing anything.
  describeBackendContract(`${kind} on a standalone Redis`, () =>
    make(client, { prefix: uniquePrefix(kind), logger: quietLogger() }),
  );
}
