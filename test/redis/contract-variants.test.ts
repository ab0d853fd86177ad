import type { Backend } from '@hanoi/core';
import type { Redis } from 'ioredis';
import { describeBackendContract } from '@hanoi/core/testing';
import { BACKENDS, quietLogger, uniquePrefix, useRedis } from './redis-fixture';

// The contract again with the default prefix (each test removes what it made,
// through the backend, on this file's own server) and with a prefix full of
// separators, and through a client with an ioredis keyPrefix.
const redis = useRedis();
let client: Redis;
let prefixed: Redis;
beforeAll(() => {
  client = redis.client();
  prefixed = redis.client({ keyPrefix: 'app:' });
});

async function removeAll(backend: Backend): Promise<void> {
  for (const name of await backend.listFuncs()) await backend.remove(name);
  await backend.close();
  await client.del('{hanoi}:history', '{hanoi}:heads'); // each test starts with an empty history too
}

const external = Boolean(process.env.REDIS_URL);
for (const [kind, make] of Object.entries(BACKENDS)) {
  if (!external) {
    describeBackendContract(`${kind} with the default prefix`, () => make(client, { logger: quietLogger() }), {
      teardown: removeAll,
    });
  }
  describeBackendContract(`${kind} with a prefix of separators`, () =>
    make(client, { prefix: `${uniquePrefix('a:b|c,d')}:__proto__`, logger: quietLogger() }),
  );
  describeBackendContract(`${kind} through a client with keyPrefix`, () =>
    make(prefixed, { prefix: uniquePrefix(kind), logger: quietLogger() }),
  );
}
