import { Rollout } from '@hanoi/core';
import { RedisBackend, RedisHighPerfBackend } from '@hanoi/redis';
import type Redis from 'ioredis';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startRedis } from '../support/redis-server';
import { connect, eventually, quietLogger, storeOf, uniquePrefix } from '../redis/redis-fixture';

// SPEC "Writes, connections and resets": memory per process is bounded while
// Redis hangs. The server is paused (SIGSTOP) under 200 concurrent request
// loops: lookups that need Redis are capped, fail at once after repeated
// timeouts (the user counts as not listed) and probe again, so neither the
// client's command queue nor the heap grows with the length of the pause.
// Bounds, not timings: the cap is the configured one, and the heap bound is
// far above what the loops themselves allocate.

const LOOPS = 200;
const PAUSE_MS = 4000;
const MAX_PENDING = 50;

// The heap is compared after a full collection: what is live, not garbage not yet collected.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
function liveHeap(): number {
  collect();
  return process.memoryUsage().heapUsed;
}

function queues(client: Redis): number {
  const internals = client as unknown as { commandQueue: { length: number }; offlineQueue: { length: number } };
  return internals.commandQueue.length + internals.offlineQueue.length;
}

describe('a paused Redis under load', () => {
  it.each([
    ['RedisHighPerfBackend', true],
    ['RedisBackend', false],
  ] as const)(
    '%s: queues and heap stay bounded, answers keep coming, and it recovers',
    async (kind, lookups) => {
      const redis = await startRedis({ persist: false });
      const client = connect(redis.url);
      const prefix = uniquePrefix('pause');
      const logger = quietLogger();
      const options = {
        prefix,
        logger,
        lookupTimeoutMs: 100,
        maxPendingLookups: MAX_PENDING,
        resyncIntervalMs: 100,
        writeTimeoutMs: 300,
      };
      const backend = lookups ? new RedisHighPerfBackend(client, options) : new RedisBackend(client, options);
      const rollout = new Rollout(backend, { logger });
      try {
        await rollout.ready();
        await rollout.addFunc('beta', { percentage: 0 });
        await rollout.register('beta', ['alice']);
        expect(await rollout.isEnabled('beta', 'alice')).toBe(true);

        redis.pause();
        const heapBefore = liveHeap();
        let maxQueued = 0;
        let calls = 0;
        const store = storeOf(backend);
        let sent = 0;
        const lookup = store.lookup.bind(store);
        store.lookup = (queries) => {
          sent++;
          return lookup(queries);
        };
        const until = Date.now() + PAUSE_MS;
        const sampler = setInterval(() => (maxQueued = Math.max(maxQueued, queues(client))), 20);
        await Promise.all(
          Array.from({ length: LOOPS }, async (_, loop) => {
            for (let i = 0; Date.now() < until; i++) {
              // Not listed while Redis hangs (HighPerf cannot ask), listed from memory (RedisBackend).
              expect(await rollout.isEnabled('beta', i % 2 ? 'alice' : `user-${loop}-${i}`)).toBe(
                i % 2 ? !lookups : false,
              );
              calls++;
              await new Promise((resolve) => setImmediate(resolve));
            }
          }),
        );
        clearInterval(sampler);
        const grown = liveHeap() - heapBefore;

        // The client's queues hold at most the capped lookups and a couple of background reads.
        expect(maxQueued).toBeLessThanOrEqual(MAX_PENDING + 4);
        // Lookups reached Redis at most up to the cap: the rest were answered at once, "not listed".
        expect(sent).toBeLessThanOrEqual(MAX_PENDING + 5);
        expect(calls).toBeGreaterThan(LOOPS * 2);
        expect(grown).toBeLessThan(16 * 1024 * 1024);
        expect(logger.messages.filter((m) => /Looking users up failed/.test(m)).length).toBeLessThanOrEqual(1);

        redis.resume();
        await eventually(async () => await rollout.isEnabled('beta', 'alice'), 5000);
        await rollout.setPercentage('beta', 100);
        expect(await rollout.isEnabled('beta', 'bob')).toBe(true);
      } finally {
        redis.resume();
        await backend.close();
        client.disconnect();
        await redis.stop();
      }
    },
    30_000,
  );
});
