import { Rollout } from '@hanoi/core';
import { RedisBackend } from '@hanoi/redis';
import { eventually, quietLogger, uniquePrefix, useRedis } from './redis-fixture';

// A feature's patterns as RedisBackend reads them back: in one stable order
// for getFunc, and, in another process, compiled once and reused by each
// reload that a change to the feature causes.
const redis = useRedis();

describe('patterns read back from Redis', () => {
  it('getFunc lists them by source then flags (one string), whatever the order of the set', async () => {
    const rollout = new Rollout(
      new RedisBackend(redis.client(), { prefix: uniquePrefix('order'), logger: quietLogger() }),
    );
    await rollout.addFunc('f');
    const written = [/b/, /ab/i, /a/, /ab/, /^z/m, /A/, /abc/, /a\.b/su];
    for (const pattern of written) await rollout.register('f', pattern);
    const expected = written
      .map((p) => ({ source: p.source, flags: p.flags }))
      .sort((x, y) => {
        const [kx, ky] = [x.source + x.flags, y.source + y.flags];
        return kx < ky ? -1 : kx > ky ? 1 : x.flags < y.flags ? -1 : 1;
      });
    expect((await rollout.getFunc('f'))!.patterns).toEqual(expected);
    await rollout.close();
  });

  it("another process's reload after a change keeps every compiled pattern it held", async () => {
    const prefix = uniquePrefix('reload');
    const writer = new Rollout(new RedisBackend(redis.client(), { prefix, logger: quietLogger() }));
    const readerBackend = new RedisBackend(redis.client(), { prefix, logger: quietLogger() });
    const reader = new Rollout(readerBackend);
    await writer.addFunc('f');
    for (let i = 0; i < 200; i++) await writer.register('f', new RegExp(`^p${i}-`, i % 2 ? '' : 'i'));
    await eventually(() => readerBackend.peek('f')?.patterns.length === 200);
    const before = readerBackend.peek('f')!.patterns;

    await writer.register('f', 'alice');
    await eventually(async () => (await reader.isEnabled('f', 'alice')) === true);
    expect(readerBackend.peek('f')!.patterns).toBe(before);

    await writer.register('f', /^extra$/);
    await eventually(() => readerBackend.peek('f')?.patterns.length === 201);
    const after = readerBackend.peek('f')!.patterns;
    expect(after.filter((p) => before.includes(p))).toHaveLength(200);
    expect([
      await reader.isEnabled('f', 'extra'),
      await reader.isEnabled('f', 'P7-x'),
      await reader.isEnabled('f', 'P8-x'),
    ]).toEqual([true, false, true]);
    await Promise.all([writer.close(), reader.close()]);
  });
});
