/**
 * The cost of one check on each Redis backend against MemoryBackend, in the
 * same run: a feature at 10% with no listed users (every backend answers from
 * memory), and one with 1,000 listed users (HighPerf asks Redis for users
 * outside the 10%). And Redis commands per request through forUser.
 */
import type { Rollout } from '@hanoi/core';
import { runRounds, type BenchCase, type CaseResult, type RoundsOptions } from './lib';
import { commandDelta, commandStats, KINDS, type BenchRedis, type Kind } from './redis-setup';

// Long enough for a stable median; HighPerf's listed case waits on Redis per check, so fewer.
const ITERATIONS = 200_000;
const ROUND_TRIP_ITERATIONS = 5_000;
const ids = Array.from({ length: 4096 }, (_, i) => `user-${i * 7919}`);

async function prepare(rollout: Rollout): Promise<void> {
  await rollout.addFunc('plain', { percentage: 10 });
  await rollout.addFunc('listed', { percentage: 10 });
  await rollout.register(
    'listed',
    Array.from({ length: 1000 }, (_, i) => `user-${i * 7919}`),
  );
  for (let i = 0; i < 10; i++) {
    await rollout.addFunc(`f${i}`, { percentage: i * 10, variants: ['a', 'b'] });
    await rollout.register(`f${i}`, ids.slice(i * 100, i * 100 + 50));
  }
}

function checkCase(kind: Kind, rollout: Rollout, feature: string): BenchCase {
  return {
    name: `${kind} ${feature}`,
    iterations: kind === 'RedisHighPerfBackend' && feature === 'listed' ? ROUND_TRIP_ITERATIONS : ITERATIONS,
    async run(n) {
      let on = 0;
      for (let i = 0; i < n; i++) if (await rollout.isEnabled(feature, ids[i & 4095]!)) on++;
      return on;
    },
  };
}

/**
 * Per-check cost on each backend, medians of `options.rounds` rounds.
 *
 * @example
 * const results = await checkCost(redis, options);
 */
export async function checkCost(redis: BenchRedis, options: RoundsOptions): Promise<CaseResult[]> {
  const opened = await Promise.all(KINDS.map((kind) => redis.rollout(kind)));
  try {
    for (const { rollout } of opened) await prepare(rollout);
    const cases = KINDS.flatMap((kind, i) => ['plain', 'listed'].map((f) => checkCase(kind, opened[i]!.rollout, f)));
    return await runRounds(cases, options);
  } finally {
    for (const { close } of opened) await close();
  }
}

export interface RequestRow {
  kind: Kind;
  scriptsPerRequest: number;
  commandsPerRequest: number;
}

/**
 * Redis round trips per request: forUser, then 10 isEnabled and 10 variant
 * checks on 10 features, for 1,000 users.
 *
 * @example
 * const rows = await commandsPerRequest(redis);
 */
export async function commandsPerRequest(redis: BenchRedis): Promise<RequestRow[]> {
  const rows: RequestRow[] = [];
  for (const kind of KINDS.slice(1)) {
    const { rollout, close } = await redis.rollout(kind);
    try {
      await prepare(rollout);
      const before = await commandStats(redis.admin);
      for (let u = 0; u < 1000; u++) {
        const features = await rollout.forUser(ids[u]!);
        for (let i = 0; i < 10; i++) {
          features.isEnabled(`f${i}`);
          features.variant(`f${i}`);
        }
      }
      const delta = commandDelta(before, await commandStats(redis.admin));
      rows.push({ kind, scriptsPerRequest: delta.scripts / 1000, commandsPerRequest: delta.all / 1000 });
    } finally {
      await close();
    }
  }
  return rows;
}
