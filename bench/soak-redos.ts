/**
 * The ReDoS case of issue 6, timed: `rollout.isEnabled` on a feature whose
 * only pattern is `(a+)+$`, for the id `'a'.repeat(50) + '!'` (and 511 a's),
 * on each backend, against a trivial pattern (`^x`) on the same id in the
 * same run. A backtracking engine would not finish the first case.
 *
 *   cd bench && node --expose-gc --import tsx soak-redos.ts
 */
import { MemoryBackend, Rollout, type Backend } from '@hanoi/core';
import { RedisBackend, RedisHighPerfBackend } from '@hanoi/redis';
import { Redis } from 'ioredis';
import { startRedis } from '../test/support/redis-server';
import { machineLine, markdownTable, median } from './lib';

const ROUNDS = 7;
const CHECKS = 2000;
const quiet = { warn: () => {}, error: () => {} };
const IDS: Array<[string, string]> = [
  ['a×50 + !', `${'a'.repeat(50)}!`],
  ['a×511 + !', `${'a'.repeat(511)}!`],
];

async function microsPerCheck(rollout: Rollout, name: string, id: string): Promise<number> {
  const samples: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const start = process.hrtime.bigint();
    let on = 0;
    for (let i = 0; i < CHECKS; i++) if (await rollout.isEnabled(name, id)) on++;
    const ns = Number(process.hrtime.bigint() - start);
    if (on !== 0) throw new Error(`${name} answered on for ${id.slice(0, 10)}…: it must be off`);
    if (round > 0) samples.push(ns / CHECKS / 1000); // round 0 warms up
  }
  return median(samples);
}

async function main(): Promise<void> {
  delete process.env.REDIS_URL;
  const redis = await startRedis({ persist: false });
  const clients: Redis[] = [];
  const rows: string[][] = [];
  try {
    const backends: Array<[string, () => Backend]> = [
      ['MemoryBackend', () => new MemoryBackend()],
      [
        'RedisBackend',
        () => new RedisBackend(clients[clients.push(new Redis(redis.url)) - 1]!, { prefix: 'redos-a', logger: quiet }),
      ],
      [
        'RedisHighPerfBackend',
        () =>
          new RedisHighPerfBackend(clients[clients.push(new Redis(redis.url)) - 1]!, {
            prefix: 'redos-b',
            logger: quiet,
          }),
      ],
    ];
    for (const [kind, make] of backends) {
      const rollout = new Rollout(make(), { logger: quiet });
      await rollout.ready();
      await rollout.addFunc('evil', { percentage: 0 });
      await rollout.register('evil', /(a+)+$/);
      await rollout.addFunc('plain', { percentage: 0 });
      await rollout.register('plain', /^x/);
      for (const [label, id] of IDS) {
        const plain = await microsPerCheck(rollout, 'plain', id);
        const evil = await microsPerCheck(rollout, 'evil', id);
        rows.push([kind, label, plain.toFixed(2), evil.toFixed(2), `${(evil / plain).toFixed(1)}x`]);
      }
      await rollout.close();
    }
  } finally {
    for (const client of clients) client.disconnect();
    await redis.stop();
  }
  console.log(`${machineLine()}; medians of ${ROUNDS} rounds of ${CHECKS} checks.\n`);
  const right = (title: string) => ({ title, align: 'right' as const });
  console.log(
    markdownTable(
      [{ title: 'backend' }, { title: 'id' }, right('^x µs/check'), right('(a+)+$ µs/check'), right('ratio')],
      rows,
    ),
  );
}

await main();
