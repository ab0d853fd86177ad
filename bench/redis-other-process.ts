/**
 * What one register costs the OTHER processes on RedisBackend (each holds
 * every feature's users): a feature with 1,000,000 listed users against one
 * with 10. A writer registers one new user at a time on each feature in turn;
 * an observer (a second RedisBackend on its own connections, as another
 * process has) applies the change it sees on the feed. Timed: from the
 * write resolving to the observer holding the new user (wall clock), and the
 * observer's reply size is what it reads (`readSince`: the change, not the
 * set). The baseline in the same run: one whole read of each feature's users
 * (`store.read(name, true)`), what a reload cost before.
 *
 * Run: pnpm --filter @hanoi/bench other-process   (BENCH_USERS, BENCH_ROUNDS)
 */
import { Rollout } from '@hanoi/core';
import { RedisBackend } from '@hanoi/redis';
import { Redis } from 'ioredis';
import { loadavg } from 'node:os';
import { startRedis, uniquePrefix } from '../test/support/redis-server';
import { machineLine, markdownTable, median } from './lib';

const BIG = Number(process.env.BENCH_USERS ?? 1_000_000);
const SMALL = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const quiet = { warn: () => {}, error: () => {} };

type Store = { read(name: string, withUsers: boolean): Promise<unknown> };

async function until(condition: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('the observer did not catch up in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function main(): Promise<void> {
  delete process.env.REDIS_URL;
  const server = await startRedis({ persist: false });
  const clients = [new Redis(server.url), new Redis(server.url), new Redis(server.url)];
  const [writerClient, observerClient, admin] = clients as [Redis, Redis, Redis];
  const prefix = uniquePrefix('other');
  const options = { prefix, logger: quiet, writeTimeoutMs: 60_000, readyTimeoutMs: 120_000 };
  const writer = new RedisBackend(writerClient, options);
  const rollout = new Rollout(writer, { logger: quiet });
  let observer: RedisBackend | undefined;
  console.log(`# another process's cost of one register\nmachine: ${machineLine()}\nload: ${loadavg()[0]!.toFixed(1)}`);
  try {
    await rollout.ready();
    await rollout.addFunc('small');
    await rollout.register(
      'small',
      Array.from({ length: SMALL }, (_, i) => `s-${i}`),
    );
    await rollout.addFunc('big');
    // The big set is filled straight into Redis (the bench's own prefix): 1,000,000 registrations would take minutes.
    const usersKey = `${(writer.store as unknown as { config: { keys: { base: string } } }).config.keys.base}u:big`;
    for (let i = 0; i < BIG; i += 10_000) {
      const chunk = Array.from({ length: Math.min(10_000, BIG - i) }, (_, k) => `b-${i + k}`);
      await admin.sadd(usersKey, ...chunk);
    }
    await rollout.register('big', 'b-0'); // a write, so the feature's version covers the filled set
    observer = new RedisBackend(observerClient, options);
    await observer.ready();
    await until(() => observer!.peek('big')?.users?.size === BIG && observer!.peek('small')?.users?.size === SMALL);

    const latency: Record<'small' | 'big', number[]> = { small: [], big: [] };
    const whole: Record<'small' | 'big', number[]> = { small: [], big: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of round % 2 ? (['big', 'small'] as const) : (['small', 'big'] as const)) {
        const id = `new-${name}-${round}`;
        await rollout.register(name, id);
        const start = performance.now();
        await until(() => observer!.peek(name)?.users?.has(id) === true);
        latency[name].push(performance.now() - start);
      }
      if (round % 5 === 0) {
        for (const name of ['small', 'big'] as const) {
          const start = performance.now();
          await (observer.store as unknown as Store).read(name, true);
          whole[name].push(performance.now() - start);
        }
      }
    }
    if (observer.peek('big')!.users!.size !== BIG + ROUNDS) throw new Error('the observer lost users');
    const ms = (xs: number[]) => median(xs).toFixed(3);
    const ratio = (xs: number[], ys: number[]) => (median(xs) / median(ys)).toFixed(2);
    console.log(`rounds: ${ROUNDS}; load at the end: ${loadavg()[0]!.toFixed(1)}\n`);
    console.log(
      markdownTable(
        [
          { title: 'per register, in the other process' },
          { title: `${SMALL} users ms`, align: 'right' },
          { title: `${BIG.toLocaleString('en')} users ms`, align: 'right' },
          { title: 'ratio', align: 'right' },
        ],
        [
          [
            'applied (write resolved → observer holds the user)',
            ms(latency.small),
            ms(latency.big),
            ratio(latency.big, latency.small),
          ],
          ['(baseline) one whole read of the users', ms(whole.small), ms(whole.big), ratio(whole.big, whole.small)],
        ],
      ),
    );
  } finally {
    await writer.close();
    await observer?.close();
    for (const client of clients) client.disconnect();
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
