/**
 * A real Redis for the Express and Koa suites: a RedisHighPerfBackend keeps
 * registered users in the store, so a request's answers take one round trip
 * (`rollout.forUser`), the middleware's slow path. Counts the questions Redis
 * was asked, from its own INFO commandstats.
 */
import { Rollout, type FeatureName } from '@hanoi/core';
import { RedisHighPerfBackend } from '@hanoi/redis';
import Redis from 'ioredis';
import { startRedis, uniquePrefix, type RedisServer } from './redis-server';

export interface RedisRollout {
  rollout: Rollout<FeatureName>;
  server: RedisServer;
  /**
   * SISMEMBER calls Redis has run so far, alone or inside a lookup script:
   * one per (user set, unit) asked. A request here asks one (`beta`), so it
   * counts the lookups, whichever command carried each.
   */
  lookupCalls(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts a redis-server on a free port and a rollout on it: `beta` lists `alice`, `everyone` is at 100%. */
export async function startRedisRollout(): Promise<RedisRollout> {
  const server = await startRedis({ persist: false });
  const client = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
  client.on('error', () => {});
  const admin = new Redis(server.url);
  const logger = { warn: () => {}, error: () => {} };
  const backend = new RedisHighPerfBackend(client, { prefix: uniquePrefix('http'), logger, lookupTimeoutMs: 200 });
  const rollout = new Rollout<FeatureName>(backend, { logger });
  await rollout.ready();
  await rollout.addFunc('everyone', { percentage: 100 });
  await rollout.addFunc('beta', { percentage: 0 });
  await rollout.register('beta', ['alice', 'carol']);
  return {
    rollout,
    server,
    async lookupCalls() {
      const info = await admin.info('commandstats');
      return Number(/^cmdstat_sismember:calls=(\d+)/m.exec(info)?.[1] ?? 0);
    },
    async stop() {
      await rollout.close();
      client.disconnect();
      admin.disconnect();
      await server.stop();
    },
  };
}
