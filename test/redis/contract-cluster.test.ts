import type { Cluster } from 'ioredis';
import { describeBackendContract } from '@hanoi/core/testing';
import { startCluster, type RedisCluster } from '../support/redis-cluster';
import { Rollout } from '@hanoi/core';
import { BACKENDS, connectCluster, eventually, quietLogger, uniquePrefix } from './redis-fixture';

// The contract on a Redis Cluster of 3 masters through an ioredis Cluster:
// every key of a prefix shares one hash tag, so every script runs on one node.
const run = process.env.REDIS_URL ? describe.skip : describe;

run('on a Redis Cluster of 3 masters', () => {
  let cluster: RedisCluster;
  let client: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(3);
    client = connectCluster(cluster.nodes);
  }, 60_000);
  afterAll(async () => {
    client.disconnect();
    await cluster.stop();
  });

  for (const [kind, make] of Object.entries(BACKENDS)) {
    describeBackendContract(`${kind} on a Redis Cluster`, () =>
      make(client, { prefix: uniquePrefix(kind), logger: quietLogger() }),
    );

    it(`${kind}: a change reaches another process through the cluster's pub/sub`, async () => {
      const other = connectCluster(cluster.nodes);
      const prefix = uniquePrefix(kind);
      const writer = new Rollout(make(client, { prefix, logger: quietLogger(), resyncIntervalMs: 60_000 }));
      const reader = new Rollout(make(other, { prefix, logger: quietLogger(), resyncIntervalMs: 60_000 }));
      await Promise.all([writer.ready(), reader.ready()]);
      await writer.addFunc('beta', { percentage: 30, variants: ['a', 'b'] });
      await writer.register('beta', ['alice', 'bob']);
      await eventually(() => reader.peek('beta')?.hasUsers === true);
      expect(await reader.getFunc('beta')).toEqual(await writer.getFunc('beta'));
      expect(await reader.isEnabled('beta', 'alice')).toBe(true);
      await writer.setPercentage('beta', 60);
      await eventually(() => reader.peek('beta')?.percentage === 60);
      await Promise.all([writer.close(), reader.close()]);
      other.disconnect();
    });
  }
});
