import { Rollout } from '@hanoi/core';
import { RedisBackend, RedisHighPerfBackend, type RedisBackendOptions } from '@hanoi/redis';
import { Cluster, Redis } from 'ioredis';
import type { CliConfig } from './config';
import { openPostgresSession } from './connect-postgres';
import { UnreachableError, UsageError } from './exit-codes';
import { dropClient, quitClient } from './release-client';
import type { Session } from './session';

const CALL_TIMEOUT_MS = 60_000;

/**
 * Connects to the Redis (or cluster) the config names, within
 * `config.timeoutMs`, and loads the features. The CLI owns the client it
 * makes here: `close()` closes the backend, then quits the client.
 * Unreachable: `UnreachableError` (exit code 4), nothing left open.
 *
 * @example
 * const session = await openRedisSession(parseConfig({ redis: 'redis://127.0.0.1:6390' }, process.env));
 * await session.rollout.enable('beta');
 * await session.close();
 */
export async function openRedisSession(config: CliConfig): Promise<Session> {
  if (config.postgresUrl !== undefined) return openPostgresSession(config); // --postgres: the same commands
  const target = config.cluster
    ? config.cluster.map(({ host, port }) => `${host}:${port}`).join(',')
    : redact(config.redisUrl!);
  let lastError = `no answer within ${config.timeoutMs} ms`;
  const client = makeClient(config);
  client.on('error', (err: Error) => {
    lastError = err.message;
  });
  try {
    await withTimeout(client.connect(), config.timeoutMs);
  } catch (err) {
    await dropClient(client);
    throw new UnreachableError(
      target,
      lastError === `no answer within ${config.timeoutMs} ms` ? (err as Error).message : lastError,
    );
  }
  let rollout: Rollout;
  let backend: RedisBackend | RedisHighPerfBackend;
  try {
    // --timeout bounds reaching Redis. One call may take longer once
    // connected: reading a feature with a million users takes seconds.
    const options: RedisBackendOptions = {
      readyTimeoutMs: config.timeoutMs,
      writeTimeoutMs: Math.max(CALL_TIMEOUT_MS, config.timeoutMs),
    };
    if (config.prefix !== undefined) options.prefix = config.prefix;
    backend =
      config.backend === 'highperf' ? new RedisHighPerfBackend(client, options) : new RedisBackend(client, options);
    // History records every change the CLI makes as made from the CLI (by --actor: see CommandContext).
    rollout = new Rollout(backend, { source: 'cli' });
  } catch (err) {
    await dropClient(client);
    // The backend rejects a malformed prefix with a TypeError at construction.
    throw err instanceof TypeError ? new UsageError(err.message) : err;
  }
  try {
    await withTimeout(rollout.ready(), config.timeoutMs);
  } catch {
    await rollout.close().catch(() => undefined);
    await dropClient(client);
    throw new UnreachableError(target, `the features did not load: ${lastError}`);
  }
  return {
    rollout,
    userCount: (name) => backend.userCount(name),
    async close() {
      await rollout.close().catch(() => undefined);
      await quitClient(client, config.timeoutMs);
    },
  };
}

function makeClient(config: CliConfig): Redis | Cluster {
  // A command line gives up quickly rather than queueing: few retries, no
  // reconnecting forever, the first error reported. When it lets a client
  // go, the socket goes at once: ioredis' disconnect() otherwise ends the
  // socket and arms a timer (disconnectTimeout, 2 s) to destroy it if it
  // does not close, and that timer is armed even on a socket that closed
  // long ago (a refused connection) or will never close (a Redis that does
  // not answer), so the process would linger 2 s after its work was done.
  const redisOptions = {
    lazyConnect: true,
    connectTimeout: config.timeoutMs,
    maxRetriesPerRequest: 2,
    disconnectTimeout: 0,
    retryStrategy: (attempt: number) => (attempt > 3 ? null : attempt * 100),
  };
  if (config.cluster) {
    return new Cluster(config.cluster, {
      lazyConnect: true,
      clusterRetryStrategy: (attempt: number) => (attempt > 3 ? null : attempt * 100),
      redisOptions: { connectTimeout: config.timeoutMs, maxRetriesPerRequest: 2, disconnectTimeout: 0 },
    });
  }
  return new Redis(config.redisUrl!, redisOptions);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
