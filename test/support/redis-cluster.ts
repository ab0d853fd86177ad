/**
 * A real Redis Cluster for tests: `masters` redis-server processes with
 * `--cluster-enabled yes` on free ports of 127.0.0.1, joined with
 * `redis-cli --cluster create` (no replicas), resolved once every node
 * reports `cluster_state:ok`.
 *
 * @example
 * const cluster = await startCluster(3);
 * const client = new Cluster(cluster.nodes);
 * ...
 * await client.quit();
 * await cluster.stop();
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startRedis, type RedisServer } from './redis-server';

const run = promisify(execFile);

/** A running cluster. */
export interface RedisCluster {
  /** The masters, as ioredis `new Cluster(nodes)` takes them. */
  readonly nodes: { host: string; port: number }[];
  /** The servers, to kill or restart one. */
  readonly servers: RedisServer[];
  /** Stops every node and removes their directories. */
  stop(): Promise<void>;
}

/**
 * Starts a cluster of `masters` nodes (3 at least, as Redis requires).
 * Not available with `REDIS_URL`: throws, so the test can be skipped.
 *
 * @example
 * const cluster = await startCluster();
 */
export async function startCluster(masters = 3): Promise<RedisCluster> {
  if (process.env.REDIS_URL) throw new Error('startCluster starts its own servers; unset REDIS_URL to run it.');
  if (!Number.isInteger(masters) || masters < 3) throw new TypeError('A Redis Cluster needs at least 3 masters.');
  const servers: RedisServer[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  try {
    for (let i = 0; i < masters; i++) {
      servers.push(
        await startRedis({
          persist: false,
          args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'],
        }),
      );
    }
    const addresses = servers.map((server) => `127.0.0.1:${server.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], {
      timeout: 30_000,
    });
    await waitForState(servers, 20_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes: servers.map((server) => ({ host: server.host, port: server.port })), servers, stop };
}

async function waitForState(servers: RedisServer[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await Promise.all(
      servers.map(async (server) => {
        const { stdout } = await run('redis-cli', ['-h', server.host, '-p', String(server.port), 'cluster', 'info']);
        return /cluster_state:ok/.test(stdout) && /cluster_slots_assigned:16384/.test(stdout);
      }),
    );
    if (states.every(Boolean)) return;
    if (Date.now() > deadline) throw new Error(`The cluster did not reach cluster_state:ok in ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
