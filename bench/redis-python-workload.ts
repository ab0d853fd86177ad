/**
 * The Python hanoi's benchmark.py workload, on each backend: add `FOO`,
 * register USER-0 ... USER-9999 (here: one call with all ids, sent as
 * pipelined batches), then 20,000 checks alternating a registered user and
 * `USER-a`. Also the same checks on HighPerf with 1,000,000 registered users.
 */
import type { Rollout } from '@hanoi/core';
import { commandDelta, commandStats, secondsSince, type BenchRedis, type Kind } from './redis-setup';

export interface PythonRow {
  kind: Kind;
  users: number;
  registerSeconds: number;
  checkSeconds: number;
  scriptsPerCheck: number;
  commandsPerCheck: number;
}

const CHECKS = 20_000;

async function checks(rollout: Rollout, users: number): Promise<number> {
  let on = 0;
  for (let i = 0; i < CHECKS; i++) {
    const user = i % 2 === 0 ? `USER-${(i / 2) % users}` : 'USER-a';
    if (await rollout.isEnabled('FOO', user)) on++;
  }
  return on;
}

/**
 * One round of the workload on `kind` with `users` registered users.
 *
 * @example
 * const row = await pythonWorkload(redis, 'RedisHighPerfBackend', 10_000);
 */
export async function pythonWorkload(redis: BenchRedis, kind: Kind, users: number): Promise<PythonRow> {
  const { rollout, close } = await redis.rollout(kind);
  try {
    await rollout.addFunc('FOO');
    const ids = Array.from({ length: users }, (_, i) => `USER-${i}`);
    let start = performance.now();
    await rollout.register('FOO', ids);
    const registerSeconds = secondsSince(start);
    const before = await commandStats(redis.admin);
    start = performance.now();
    const on = await checks(rollout, Math.min(users, 10_000));
    const checkSeconds = secondsSince(start);
    const delta = commandDelta(before, await commandStats(redis.admin));
    // Every registered user has it and USER-a (bucket 81 at 0%) does not: a wrong backend shows here.
    if (on !== CHECKS / 2) throw new Error(`${kind}: ${on} checks on, expected ${CHECKS / 2}`);
    return {
      kind,
      users,
      registerSeconds,
      checkSeconds,
      scriptsPerCheck: delta.scripts / CHECKS,
      commandsPerCheck: delta.all / CHECKS,
    };
  } finally {
    await close();
  }
}
