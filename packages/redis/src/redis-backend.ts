import { StoreBackend } from '@hanoi/core';
import { storeBackendOptions, type RedisBackendOptions } from './options';
import { RedisStore } from './redis-store';
import type { RedisClient } from './scripts';

/**
 * Features in Redis, shared by every process, with each process holding
 * every feature in memory, registered users included: a check never waits
 * for Redis. Changes reach other processes over pub/sub (a reload of the
 * feature that changed), and a periodic check of the store's epoch and
 * version catches up on anything missed or reset. Fits user lists of up to
 * some tens of thousands per feature; beyond that, use RedisHighPerfBackend,
 * which keeps users in Redis.
 *
 * It is core's synchronised cache (`StoreBackend`) over the Redis store,
 * configured to hold users. The backend does not own `client`: `close()`
 * leaves it open and closes only the subscriber connection it opened itself.
 *
 * @example
 * import Redis from 'ioredis';
 * const rollout = new Rollout(new RedisBackend(new Redis(process.env.REDIS_URL!), { prefix: 'shop' }));
 * await rollout.ready();
 */
export class RedisBackend extends StoreBackend {
  /**
   * @param client an ioredis `Redis` or `Cluster`, left open by `close()`.
   * @param options prefix, logger, onError, timeouts, bootstrap; see RedisBackendOptions.
   */
  constructor(client: RedisClient, options?: RedisBackendOptions) {
    const store = new RedisStore(client, options, true);
    super(store, storeBackendOptions(store.config));
  }
}
