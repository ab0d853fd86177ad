/**
 * Propagation between two processes: a child writer sets a percentage 200
 * times, one at a time; this process, on its own connection, watches its
 * backend's copy (every millisecond) and records when each value appears.
 * Latency = seen here - the write call's start there (one machine, one clock).
 */
import { Rollout } from '@hanoi/core';
import { RedisBackend, RedisHighPerfBackend } from '@hanoi/redis';
import { Redis } from 'ioredis';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { quantile } from './lib';
import { uniquePrefix } from '../test/support/redis-server';
import type { BenchRedis } from './redis-setup';

export interface PropagationRow {
  kind: string;
  changes: number;
  p50: number;
  p99: number;
  max: number;
  missed: number;
}

const CHANGES = 200;
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the 200 changes for one backend kind.
 *
 * @example
 * const row = await propagation(redis, 'RedisBackend');
 */
export async function propagation(
  redis: BenchRedis,
  kind: 'RedisBackend' | 'RedisHighPerfBackend',
): Promise<PropagationRow> {
  const prefix = uniquePrefix('propagation');
  const client = new Redis(redis.server.url);
  const Backend = kind === 'RedisBackend' ? RedisBackend : RedisHighPerfBackend;
  const backend = new Backend(client, { prefix, logger: { warn: () => {}, error: () => {} } });
  const rollout = new Rollout(backend);
  await rollout.ready();
  await rollout.addFunc('P', { percentage: 0 });
  const child = fork(
    fileURLToPath(new URL('./redis-propagation-writer.ts', import.meta.url)),
    [redis.server.url, prefix, kind],
    {
      execArgv: ['--import', 'tsx'],
    },
  );
  const replies = new Map<number, { startedAt: number }>();
  let ready = false;
  child.on('message', (m: { ready?: boolean; i?: number; startedAt?: number; error?: string }) => {
    if (m.ready) ready = true;
    else if (m.error) throw new Error(`writer: ${m.error}`);
    else replies.set(m.i!, { startedAt: m.startedAt! });
  });
  const latencies: number[] = [];
  let missed = 0;
  try {
    for (let waited = 0; !ready && waited < 10_000; waited += 10) await sleep(10);
    for (let i = 1; i <= CHANGES; i++) {
      child.send({ i });
      const until = now() + 2000;
      let seenAt: number | undefined;
      while (now() < until) {
        if (backend.peek('P')?.percentage === i % 100) {
          seenAt = now();
          break;
        }
        await sleep(1);
      }
      while (!replies.has(i) && now() < until + 2000) await sleep(1);
      const reply = replies.get(i);
      if (seenAt === undefined || !reply) missed++;
      else latencies.push(seenAt - reply.startedAt);
    }
  } finally {
    child.send({ exit: true });
    await backend.close();
    client.disconnect();
  }
  return {
    kind,
    changes: CHANGES,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: Math.max(...latencies),
    missed,
  };
}
