import Redis, { Cluster } from 'ioredis';
import { startCluster } from '../support/redis-cluster';
import { startRedis } from '../support/redis-server';

// These start servers of their own: not with REDIS_URL (where startRedis starts nothing).
const run = process.env.REDIS_URL ? describe.skip : describe;

run('test support: redis-server and cluster helpers', () => {
  it('starts a server on a free port, keeps data across a kill and restart, and stops', async () => {
    const redis = await startRedis();
    expect(redis.port).not.toBe(6379);
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    client.on('error', () => {});
    await client.connect();
    await client.set('k', 'v');
    await redis.kill();
    await redis.restart();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await client.get('k')).toBe('v');
    client.disconnect();
    await redis.stop();
  });

  it('starts a 3-master cluster that serves every slot', async () => {
    const cluster = await startCluster(3);
    const client = new Cluster(cluster.nodes);
    await client.set('{a}x', '1');
    await client.set('{b}x', '2');
    expect(await client.mget('{a}x')).toEqual(['1']);
    expect(await client.get('{b}x')).toBe('2');
    await client.quit();
    await cluster.stop();
  });
});
