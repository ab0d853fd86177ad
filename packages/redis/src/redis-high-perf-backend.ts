import { StoreBackend } from '@hanoi/core';
import { storeBackendOptions, type RedisBackendOptions } from './options';
import { RedisStore } from './redis-store';
import type { RedisClient } from './scripts';

/**
 * Features in Redis for apps with many registered users: each process holds
 * the definitions and patterns, but registered users stay in Redis. A
 * request asks Redis once, whatever the number of features
 * (`rollout.forUser(id)` calls `lookupUser` with only the features whose
 * answer is not settled by the switch, the percentage or a pattern), so the
 * cost of a check does not grow with the number of registered users.
 *
 * Lookups are bounded: each waits at most `lookupTimeoutMs` (default
 * 250 ms), and fails at once when not connected; at most `maxPendingLookups`
 * are out at once; after 5 failures in a row they fail at once for a second,
 * then one probes again. A failed lookup counts the user as not registered,
 * reported once per outage.
 *
 * @example
 * const rollout = new Rollout(new RedisHighPerfBackend(new Redis(url)));
 * const features = await rollout.forUser(req.user.id); // at most one command
 * features.isEnabled('beta');
 */
export class RedisHighPerfBackend extends StoreBackend {
  /**
   * @param client an ioredis `Redis` or `Cluster`, left open by `close()`.
   * @param options prefix, logger, onError, timeouts, bootstrap; see RedisBackendOptions.
   */
  constructor(client: RedisClient, options?: RedisBackendOptions) {
    const store = new RedisStore(client, options, false);
    super(store, storeBackendOptions(store.config));
  }
}
