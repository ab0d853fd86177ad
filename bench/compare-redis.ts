// RedisBackend for the side-by-side (COMPARE_REDIS=1): a redis-server of its
// own on a free port of 127.0.0.1, stopped at the end. Checks on RedisBackend
// answer from the process's copy of the definitions, so the figure should be
// MemoryBackend's; this is what shows it.
import { Rollout } from '@hanoi/core';
import { Redis } from 'ioredis';
import { startRedis } from '../test/support/redis-server';

export interface RedisRollout {
  rollout: Rollout;
  /** Resolves once the backend has loaded what was just written. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedisRollout(): Promise<RedisRollout> {
  // Always a server of our own: never one named by REDIS_URL (it may be a shared one).
  delete process.env.REDIS_URL;
  const server = await startRedis({ persist: false });
  const client = new Redis(server.url, { lazyConnect: false, maxRetriesPerRequest: 1 });
  try {
    const { RedisBackend } = (await import('@hanoi/redis')) as typeof import('@hanoi/redis');
    const rollout = new Rollout(new RedisBackend(client, { prefix: 'bench' }));
    await rollout.ready();
    return {
      rollout,
      settle: async () => {
        // The writes resolve once applied locally (read your writes); a short
        // pause lets the pub/sub echo of 10,000 registrations pass too.
        await rollout.ready();
        await new Promise((resolve) => setTimeout(resolve, 500));
      },
      stop: async () => {
        await rollout.close();
        client.disconnect();
        await server.stop();
      },
    };
  } catch (err) {
    client.disconnect();
    await server.stop();
    throw err;
  }
}
