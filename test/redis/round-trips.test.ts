import { Rollout } from '@hanoi/core';
import { RedisHighPerfBackend } from '@hanoi/redis';
import type { Redis } from 'ioredis';
import { eventually, quietLogger, uniquePrefix, useRedis } from './redis-fixture';
import { defineOneRequestFeatures } from '../support/one-request-features';

// On RedisHighPerfBackend listed users and segment members stay in Redis: a
// request asks for all of them at once. Counted on the server (INFO
// commandstats of a redis-server only this file uses), not in the client.
const redis = useRedis();
let admin: Redis;
beforeAll(() => {
  admin = redis.client();
});

/**
 * Commands Redis ran since the last CONFIG RESETSTAT, by name, leaving out
 * this file's own INFO and CONFIG; script calls (EVALSHA, or EVAL the first
 * time) count as `script`. Commands a script runs are counted too: here the
 * TYPE and SISMEMBER of each (set, unit) pair asked.
 */
async function commands(): Promise<Record<string, number>> {
  const info = await admin.info('commandstats');
  const counts: Record<string, number> = {};
  for (const [, name, calls] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (/^(info|config)\b/.test(name!)) continue;
    const key = /^eval/.test(name!) ? 'script' : name!;
    counts[key] = (counts[key] ?? 0) + Number(calls);
  }
  return counts;
}

it('a request with 3 features, 2 segments, deny lists and two units (id, companyId) costs one command', async () => {
  const prefix = uniquePrefix('trips');
  const options = { prefix, logger: quietLogger(), resyncIntervalMs: 600_000 };
  const writer = new Rollout(new RedisHighPerfBackend(redis.client(), options));
  const reader = new Rollout(new RedisHighPerfBackend(redis.client(), options));
  try {
    await Promise.all([writer.ready(), reader.ready()]);
    await defineOneRequestFeatures(writer);
    await eventually(() => reader.peek('testing')?.targeting?.deniedInStore === true);
    // No process holds the deny lists: they are Redis sets, asked with the rest.
    expect(reader.peek('testing')!.targeting!.denied.size).toBe(0);

    await admin.config('RESETSTAT');
    const first = await reader.forUser({ id: 'u1', companyId: 'c1' });
    // Five questions: is c1 denied on company-beta and in big-customers; u1 listed on `listed`; u1 denied
    // on testing and in testers. One SISMEMBER each, no TYPE beside it.
    expect(await commands()).toEqual({ script: 1, sismember: 5 });
    // By SPEC: c1 is in big-customers; u1 is listed on `listed` and in testers.
    expect(['company-beta', 'listed', 'testing'].map((name) => first.isEnabled(name))).toEqual([true, true, true]);

    await admin.config('RESETSTAT');
    const second = await reader.forUser({ id: 'u9', companyId: 'c2' });
    expect(await commands()).toEqual({ script: 1, sismember: 5 });
    // c2 and u9 are denied, whatever their segments say; u9 is not listed.
    expect(['company-beta', 'listed', 'testing'].map((name) => second.explain(name).reason)).toEqual([
      'denied',
      'bucket',
      'denied',
    ]);

    // One check alone: one command too, whatever it needs.
    await admin.config('RESETSTAT');
    expect(await reader.isEnabled('company-beta', { id: 'u3', companyId: 'c1' })).toBe(true);
    // Is c1 denied, is it in big-customers.
    expect(await commands()).toEqual({ script: 1, sismember: 2 });

    // One question alone (is u1 listed on `listed`) is one plain SISMEMBER, no script.
    await admin.config('RESETSTAT');
    expect(await reader.isEnabled('listed', 'u1')).toBe(true);
    expect(await reader.isEnabled('listed', 'u2')).toBe(false);
    expect(await commands()).toEqual({ sismember: 2 });
  } finally {
    await writer.close();
    await reader.close();
  }
});
