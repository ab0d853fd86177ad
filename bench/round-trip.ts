/**
 * Where a sequential round trip goes: in one run, against the bench's own
 * redis-server, the floor (an awaited ioredis PING, an EVALSHA of a
 * script that returns 1, and a SISMEMBER), then one awaited `register` of a new user on
 * RedisBackend and on RedisHighPerfBackend, and one awaited `isEnabled` of
 * a user that is not listed on RedisHighPerfBackend (one lookup each).
 * Reports µs per call (median of BENCH_ROUNDS rounds, default 5), its
 * ratio to the PING floor, and the server's own time per call of the
 * command each sends (INFO commandstats usec_per_call), so what is left is the client's
 * and the kernel's; and the CPU each side used per call (this process's
 * cpuUsage, redis-server's INFO cpu, system time included);
 * and a single-user RedisStore write without and with the process's own
 * subscription (the pub/sub message each write sends back to it). First,
 * what bounding a call in time costs: a call that settles at once, without
 * and with a timer of its own (created and cleared) as its deadline.
 *
 * Run: pnpm --filter @hanoi/bench round-trip
 */
import { Rollout } from '@hanoi/core';
// The stores' own deadline helper: what each bounded call pays.
import { withTimeout } from '@hanoi/core/internal';
import { RedisBackend, RedisStore } from '@hanoi/redis';
import { Redis } from 'ioredis';
import { uniquePrefix } from '../test/support/redis-server';
import { machineLine, markdownTable, median } from './lib';
import { startBenchRedis, type BenchRedis, type Kind } from './redis-setup';

const CALLS = Number(process.env.BENCH_CALLS ?? 5000);

interface Case {
  name: string;
  /** The one command each call sends (a script's EVALSHA, a lookup's SISMEMBER): its usec_per_call is the server's time. */
  command?: 'evalsha' | 'sismember';
  /** Calls per round, when not CALLS. */
  calls?: number;
  run(round: number): Promise<number>;
}

async function timed(calls: number, one: (i: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < calls; i++) await one(i);
  return ((performance.now() - start) * 1000) / calls;
}

async function onRollout(redis: BenchRedis, kind: Kind, body: (rollout: Rollout) => Promise<number>): Promise<number> {
  const { rollout, close } = await redis.rollout(kind);
  try {
    await rollout.addFunc('FOO');
    return await body(rollout);
  } finally {
    await close();
  }
}

/** `calls` single-user writes straight to a RedisStore (no cache, no Rollout) on a feature of its own. */
async function storeWrites(redis: BenchRedis, round: number, calls: number, subscribed: boolean): Promise<number> {
  const client = new Redis(redis.server.url);
  const prefix = uniquePrefix('bench');
  const quiet = { warn: () => {}, error: () => {} };
  try {
    const backend = new RedisBackend(client, { prefix, logger: quiet });
    const rollout = new Rollout(backend, { logger: quiet });
    await rollout.ready();
    await rollout.addFunc('FOO');
    await backend.close();
    const store = new RedisStore(client, { prefix, writeTimeoutMs: 60_000 }, true);
    if (subscribed) {
      let ready!: () => void;
      const subscribing = new Promise<void>((resolve) => (ready = resolve));
      store.subscribe({ change: () => {}, resync: () => ready(), error: () => {} });
      await subscribing;
    }
    try {
      return await timed(calls, (i) => store.write('FOO', { op: 'addUsers', users: [`S-${round}-${i}`] }));
    } finally {
      await store.close();
    }
  } finally {
    client.disconnect();
  }
}

/** CPU seconds redis-server used so far (user + system, INFO cpu). */
async function redisCpu(admin: Redis): Promise<number> {
  const info = await admin.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return field('used_cpu_user') + field('used_cpu_sys');
}

/** usec_per_call of `command` since the last reset, then a reset. */
async function serverUsec(admin: Redis, command = 'evalsha'): Promise<number> {
  const info = await admin.info('commandstats');
  await admin.config('RESETSTAT');
  const match = new RegExp(`^cmdstat_${command}:calls=\\d+,usec=\\d+,usec_per_call=([\\d.]+)`, 'm').exec(info);
  return match ? Number(match[1]) : NaN;
}

async function main(): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const redis = await startBenchRedis();
  const { admin } = redis;
  console.log(`# A round trip, broken down\nmachine: ${machineLine()}\ncalls per round: ${CALLS}, rounds: ${rounds}\n`);
  admin.defineCommand('benchOne', { numberOfKeys: 0, lua: 'return 1' });
  const one = () => (admin as unknown as { benchOne(): Promise<number> }).benchOne();
  const late = () => new Error('late');
  const cases: Case[] = [
    {
      name: 'a settled call, no deadline',
      calls: CALLS * 20,
      run: () => timed(CALLS * 20, () => Promise.resolve(1).then((value) => value)),
    },
    {
      name: 'a settled call, a 2 s deadline (setTimeout per call)',
      calls: CALLS * 20,
      run: () => timed(CALLS * 20, () => withTimeout(Promise.resolve(1), 2000, late)),
    },
    { name: 'ioredis PING (floor)', run: () => timed(CALLS, () => admin.ping()) },
    { name: 'ioredis EVALSHA return 1', run: () => timed(CALLS, one) },
    {
      name: 'ioredis SISMEMBER',
      command: 'sismember',
      run: () => timed(CALLS, () => admin.sismember('bench-set', 'USER-a')),
    },
    {
      name: 'RedisStore.write, one user (no cache)',
      command: 'evalsha',
      run: (round) => storeWrites(redis, round, CALLS, false),
    },
    {
      name: 'RedisStore.write, subscribed to its changes',
      command: 'evalsha',
      run: (round) => storeWrites(redis, round, CALLS, true),
    },
    {
      name: 'register, RedisBackend',
      command: 'evalsha',
      run: (round) =>
        onRollout(redis, 'RedisBackend', (rollout) => timed(CALLS, (i) => rollout.register('FOO', `U-${round}-${i}`))),
    },
    {
      name: 'register, RedisHighPerfBackend',
      command: 'evalsha',
      run: (round) =>
        onRollout(redis, 'RedisHighPerfBackend', (rollout) =>
          timed(CALLS, (i) => rollout.register('FOO', `U-${round}-${i}`)),
        ),
    },
    {
      name: 'isEnabled (lookup), RedisHighPerfBackend',
      command: 'sismember',
      run: () =>
        onRollout(redis, 'RedisHighPerfBackend', async (rollout) => {
          await rollout.register('FOO', 'USER-0');
          return timed(CALLS, () => rollout.isEnabled('FOO', 'USER-a'));
        }),
    },
  ];
  const rows: string[][] = [];
  try {
    const perCall = new Map<string, number[]>();
    const server = new Map<string, number[]>();
    const nodeCpu = new Map<string, number[]>();
    const serverCpu = new Map<string, number[]>();
    const add = (map: Map<string, number[]>, name: string, value: number) =>
      map.set(name, [...(map.get(name) ?? []), value]);
    for (let round = 0; round < rounds; round++) {
      for (const c of cases) {
        await serverUsec(admin);
        const cpu = process.cpuUsage();
        const redisBefore = await redisCpu(admin);
        const us = await c.run(round);
        const used = process.cpuUsage(cpu);
        add(nodeCpu, c.name, (used.user + used.system) / (c.calls ?? CALLS));
        add(serverCpu, c.name, (((await redisCpu(admin)) - redisBefore) * 1e6) / (c.calls ?? CALLS));
        perCall.set(c.name, [...(perCall.get(c.name) ?? []), us]);
        if (c.command) server.set(c.name, [...(server.get(c.name) ?? []), await serverUsec(admin, c.command)]);
      }
    }
    const floor = median(perCall.get('ioredis PING (floor)')!);
    for (const c of cases) {
      const us = median(perCall.get(c.name)!);
      const inRedis = server.has(c.name) ? median(server.get(c.name)!) : undefined;
      rows.push([
        c.name,
        us.toFixed(1),
        (us / floor).toFixed(2),
        inRedis === undefined ? '' : inRedis.toFixed(1),
        inRedis === undefined ? '' : (us - floor - inRedis).toFixed(1),
        median(nodeCpu.get(c.name)!).toFixed(1),
        median(serverCpu.get(c.name)!).toFixed(1),
      ]);
    }
  } finally {
    await redis.stop();
  }
  console.log(
    markdownTable(
      [
        { title: 'call' },
        { title: 'µs per call (median)', align: 'right' },
        { title: '× PING', align: 'right' },
        { title: 'µs in Redis (its command)', align: 'right' },
        { title: 'µs beyond PING + Redis', align: 'right' },
        { title: 'node CPU µs per call', align: 'right' },
        { title: 'redis-server CPU µs per call', align: 'right' },
      ],
      rows,
    ),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
