import { BackendUnavailableError } from '@hanoi/core';
import type { RedisBackendOptions } from './options';
import { RedisStore } from './redis-store';
import { runScript, type RedisClient } from './scripts';
import { withTimeout } from './timeouts';

/**
 * Features in Redis for apps with many registered users: each process holds
 * the definitions and patterns, but registered users stay in Redis. A
 * request asks Redis once, whatever the number of features
 * (`rollout.forUser(id)` calls `lookupUser` with only the features whose
 * answer is not settled by the switch, the percentage or a pattern), so the
 * cost of a check does not grow with the number of registered users.
 *
 * When Redis does not answer within `lookupTimeoutMs` (default 250 ms), or
 * is not connected, the lookup rejects at once; the Rollout then counts the
 * user as not registered and reports the outage once.
 *
 * @example
 * const rollout = new Rollout(new RedisHighPerfBackend(new Redis(url)));
 * const features = await rollout.forUser(req.user.id); // at most one command
 * features.isEnabled('beta');
 */
export class RedisHighPerfBackend extends RedisStore {
  /**
   * @param client an ioredis `Redis` or `Cluster`, left open by `close()`.
   * @param options prefix, logger, onError, timeouts, bootstrap; see RedisBackendOptions.
   */
  constructor(client: RedisClient, options?: RedisBackendOptions) {
    super(client, options, false);
  }

  /**
   * Which of `names` list `userId`: one script call (SISMEMBER on each user set).
   *
   * @example
   * await backend.lookupUser('443301', ['beta', 'checkout']); // Set { 'beta' }
   */
  async lookupUser(userId: string, names: readonly string[]): Promise<ReadonlySet<string>> {
    if (names.length === 0) return new Set();
    this.assertAvailable('Looking up a user');
    const { keys, lookupTimeoutMs } = this.config;
    const found = (await withTimeout(
      runScript(
        this.client,
        'lookup',
        names.map((name) => keys.feature('u', name)),
        [userId],
      ),
      lookupTimeoutMs,
      () => new BackendUnavailableError(`Looking up a user: Redis did not answer in ${lookupTimeoutMs} ms.`),
    )) as number[];
    const listed = new Set<string>();
    names.forEach((name, i) => {
      if (found[i] === 1) listed.add(name);
    });
    return listed;
  }
}
