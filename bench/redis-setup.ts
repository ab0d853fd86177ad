/**
 * What the Redis benchmarks share: a redis-server of their own (never one
 * named by REDIS_URL, which may be shared), rollouts on each backend, and
 * command counts from INFO commandstats.
 */
import { MemoryBackend, Rollout, type Backend } from '@hanoi/core';
import { RedisBackend, RedisHighPerfBackend, type RedisBackendOptions } from '@hanoi/redis';
import { Redis } from 'ioredis';
import { startRedis, uniquePrefix, type RedisServer } from '../test/support/redis-server';

export type Kind = 'MemoryBackend' | 'RedisBackend' | 'RedisHighPerfBackend';
export const KINDS: readonly Kind[] = ['MemoryBackend', 'RedisBackend', 'RedisHighPerfBackend'];

/** A silent logger: a benchmark prints tables, not outage reports. */
const quiet = { warn: () => {}, error: () => {} };

export interface BenchRedis {
  server: RedisServer;
  admin: Redis;
  /** A fresh rollout on `kind`, with a prefix of its own; `close()` releases it. */
  rollout(
    kind: Kind,
    options?: RedisBackendOptions,
  ): Promise<{ rollout: Rollout; backend: Backend; close(): Promise<void> }>;
  stop(): Promise<void>;
}

/**
 * Starts the bench's redis-server on a free port.
 *
 * @example
 * const redis = await startBenchRedis();
 */
export async function startBenchRedis(): Promise<BenchRedis> {
  delete process.env.REDIS_URL;
  const server = await startRedis({ persist: false });
  const admin = new Redis(server.url);
  const clients: Redis[] = [admin];
  return {
    server,
    admin,
    async rollout(kind, options = {}) {
      let backend: Backend;
      let client: Redis | undefined;
      if (kind === 'MemoryBackend') backend = new MemoryBackend();
      else {
        client = new Redis(server.url);
        clients.push(client);
        const Backend = kind === 'RedisBackend' ? RedisBackend : RedisHighPerfBackend;
        backend = new Backend(client, {
          prefix: uniquePrefix('bench'),
          logger: quiet,
          writeTimeoutMs: 60_000,
          ...options,
        });
      }
      const rollout = new Rollout(backend, { logger: quiet });
      await rollout.ready();
      return {
        rollout,
        backend,
        close: async () => {
          await backend.close();
          client?.disconnect();
        },
      };
    },
    async stop() {
      for (const client of clients) client.disconnect();
      await server.stop();
    },
  };
}

/** Calls per command name since the server started, from INFO commandstats. */
export async function commandStats(admin: Redis): Promise<Map<string, number>> {
  const info = await admin.info('commandstats');
  const calls = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1]!, Number(match[2]));
  return calls;
}

/**
 * Commands run between two commandstats readings: `scripts` (EVAL/EVALSHA:
 * the round trips a backend makes) and `all` (commands inside scripts
 * included), the INFO calls themselves left out.
 */
export function commandDelta(
  before: Map<string, number>,
  after: Map<string, number>,
): { scripts: number; all: number } {
  let scripts = 0;
  let all = 0;
  for (const [name, calls] of after) {
    if (name === 'info') continue;
    const delta = calls - (before.get(name) ?? 0);
    all += delta;
    if (name === 'eval' || name === 'evalsha') scripts += delta;
  }
  return { scripts, all };
}

/** Seconds since `start` (a performance.now() reading). */
export const secondsSince = (start: number): number => (performance.now() - start) / 1000;
