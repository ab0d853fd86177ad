import { Rollout, type BackendListener } from '@hanoi/core';
import { startRedis } from '../support/redis-server';
import { BACKENDS, connect, eventually, quietLogger, uniquePrefix } from './redis-fixture';

// rollout.watch on the Redis backends: changes made by another process (a
// second client, as another process would have), and the store going away
// and coming back.
const external = Boolean(process.env.REDIS_URL);
const describeLocal = external ? describe.skip : describe;

describeLocal.each(Object.keys(BACKENDS) as (keyof typeof BACKENDS)[])('%s: watch', (kind) => {
  it("hears another process's writes, Redis going away and coming back", async () => {
    const redis = await startRedis({ persist: true });
    const clients = [connect(redis), connect(redis)];
    const prefix = uniquePrefix(kind);
    const [mine, theirs] = clients.map(
      (client) => new Rollout(BACKENDS[kind](client!, { prefix, logger: quietLogger() })),
    );
    try {
      await Promise.all([mine!.ready(), theirs!.ready()]);
      const heard: string[] = [];
      const listener: Required<BackendListener> = {
        changed: (names) => void heard.push(...names.map((name) => `changed ${name}`)),
        unavailable: () => void heard.push('unavailable'),
        available: () => void heard.push('available'),
      };
      mine!.watch(listener);
      await theirs!.addFunc('beta', { percentage: 10, variants: [{ name: 'a', value: { tier: 2 } }] });
      await eventually(() => heard.includes('changed beta'));
      expect(mine!.peek('beta')!.variants).toEqual([{ name: 'a', weight: 1, value: { tier: 2 } }]);

      await redis.kill();
      await eventually(() => heard.includes('unavailable'), 5000);
      expect(heard.filter((event) => event === 'unavailable')).toHaveLength(1);
      // Told of an outage in progress on joining it.
      const late: string[] = [];
      mine!.watch({ unavailable: () => void late.push('unavailable') });
      expect(late).toEqual(['unavailable']);

      await redis.restart();
      await eventually(() => heard.includes('available'), 10_000);
      heard.length = 0;
      await theirs!.setPercentage('beta', 30);
      await eventually(() => heard.includes('changed beta'), 5000);
      expect(mine!.peek('beta')!.percentage).toBe(30);
    } finally {
      await mine!.close();
      await theirs!.close();
      for (const client of clients) client.disconnect();
      await redis.stop();
    }
  });
});
