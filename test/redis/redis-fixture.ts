/**
 * Shared set-up of the Redis tests: one redis-server per test file, a
 * client per backend, a fresh prefix per backend so tests never see each
 * other's keys (and nothing is ever flushed).
 */
import { StoreBackend, type Backend } from '@hanoi/core';
import {
  RedisBackend,
  RedisHighPerfBackend,
  RedisStore,
  type RedisBackendOptions,
  type RedisClient,
} from '@hanoi/redis';
import Redis, { Cluster } from 'ioredis';
import { startRedis, uniquePrefix, type RedisServer } from '../support/redis-server';

/** The two backends, by name, for tests that run on both. */
export const BACKENDS = {
  RedisBackend: (client: RedisClient, options?: RedisBackendOptions): Backend => new RedisBackend(client, options),
  RedisHighPerfBackend: (client: RedisClient, options?: RedisBackendOptions): Backend =>
    new RedisHighPerfBackend(client, options),
} as const;

export type BackendKind = keyof typeof BACKENDS;

/** A logger that keeps what it is told. */
export function quietLogger(): { warn: (m: string) => void; error: (m: string) => void; messages: string[] } {
  const messages: string[] = [];
  return { messages, warn: (m) => void messages.push(m), error: (m) => void messages.push(m) };
}

/** A client that gives up quickly, as tests of outages want; errors are kept, not thrown. */
export function connect(server: RedisServer | string, extra: object = {}): Redis {
  const client = new Redis(typeof server === 'string' ? server : server.url, {
    maxRetriesPerRequest: 1,
    retryStrategy: () => 50,
    ...extra,
  });
  client.on('error', () => {});
  return client;
}

/** A cluster client over `nodes`. */
export function connectCluster(nodes: { host: string; port: number }[]): Cluster {
  const client = new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: 1 }, clusterRetryStrategy: () => 100 });
  client.on('error', () => {});
  return client;
}

/** What useRedis gives a test file. */
export interface RedisUse {
  /** The file's server. */
  server(): RedisServer;
  /** A client on it, disconnected after the file's tests (before the server stops). */
  client(extra?: object): Redis;
}

/** Starts one server for the file (beforeAll) and stops it after closing its clients (afterAll). */
export function useRedis(): RedisUse {
  let server: RedisServer | undefined;
  const clients: Redis[] = [];
  beforeAll(async () => {
    server = await startRedis({ persist: false });
  });
  afterAll(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    await server?.stop();
  });
  const use: RedisUse = {
    server() {
      if (!server) throw new Error('the server starts in beforeAll');
      return server;
    },
    client(extra = {}) {
      const client = connect(use.server(), extra);
      clients.push(client);
      return client;
    },
  };
  return use;
}

/** Polls `condition` every 10 ms until it holds or `ms` pass. */
export async function eventually(condition: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export { uniquePrefix };

/** The Redis store under a Redis backend: its key space and client, for tests that go behind its back. */
export function storeOf(backend: Backend): RedisStore {
  if (!(backend instanceof StoreBackend) || !(backend.store instanceof RedisStore)) {
    throw new TypeError('not a Redis backend');
  }
  return backend.store;
}
