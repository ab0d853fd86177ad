/**
 * A real Redis for the Express and Koa suites: a RedisHighPerfBackend keeps
 * registered users in the store, so a request's answers take one round trip
 * (`rollout.forUser`), the middleware's slow path. Counts the lookups its
 * client sends, watched with MONITOR.
 */
import { Rollout, type FeatureName } from '@hanoi/core';
import { RedisHighPerfBackend } from '@hanoi/redis';
import Redis from 'ioredis';
import request from 'supertest';
import { fence, watchCommands } from './redis-monitor';
import { startRedis, uniquePrefix, type RedisServer } from './redis-server';

export interface RedisRollout {
  rollout: Rollout<FeatureName>;
  server: RedisServer;
  /**
   * The lookups this rollout's client sent Redis while `run` ran, watched
   * with MONITOR: a plain SISMEMBER, or a call of the lookup script (its keys
   * are user sets and deny lists). Reloads and writes (scripts on the
   * feature index) are not lookups and are not counted.
   */
  countLookups(run: () => Promise<void>): Promise<number>;
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
    async countLookups(run) {
      const watch = await watchCommands(() => new Redis(server.url));
      try {
        await run();
        await fence(watch, client); // the watch has seen what the client sent before
      } finally {
        watch.stop();
      }
      const stream = (client as unknown as { stream: { localAddress: string; localPort: number } }).stream;
      const source = `${stream.localAddress}:${stream.localPort}`;
      return watch.seen.filter(
        ({ source: from, args: [command, , , firstKey] }) =>
          from === source &&
          (/^sismember$/i.test(command ?? '') ||
            (/^eval(sha)?$/i.test(command ?? '') && /:[ud]:/.test(firstKey ?? ''))),
      ).length;
    },
    async stop() {
      await rollout.close();
      client.disconnect();
      admin.disconnect();
      await server.stop();
    },
  };
}

/**
 * The requests the Express and Koa suites count the lookups of, sent to
 * `app`, which serves `/beta` behind `requireFeature('beta')` with the user
 * from `x-test-user` and answers `{ user, view, service }`: two users `beta`
 * lists, one it does not, one anonymous. Returns the lookups `redis`'s
 * client sent meanwhile.
 */
export function lookupsOfBetaRequests(redis: RedisRollout, app: Parameters<typeof request>[0]): Promise<number> {
  return redis.countLookups(async () => {
    await request(app)
      .get('/beta')
      .set('x-test-user', 'alice')
      .expect(200, { user: 'alice', view: true, service: true });
    await request(app)
      .get('/beta')
      .set('x-test-user', 'carol')
      .expect(200, { user: 'carol', view: true, service: true });
    expect((await request(app).get('/beta').set('x-test-user', 'dave')).status).toBe(404);
    expect((await request(app).get('/beta')).status).toBe(404); // anonymous: no lookup
  });
}
