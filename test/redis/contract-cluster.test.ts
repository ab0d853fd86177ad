import type { Cluster } from 'ioredis';
import { describeBackendContract } from '../contract/backend-contract';
import { startCluster, type RedisCluster } from '../support/redis-cluster';
import { BACKENDS, connectCluster, quietLogger, uniquePrefix } from './redis-fixture';

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
  }
});
