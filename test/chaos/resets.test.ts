import { Rollout, type Backend } from '@hanoi/core';
import { RedisBackend, RedisHighPerfBackend, type RedisClient } from '@hanoi/redis';
import Redis, { Cluster } from 'ioredis';
import { startCluster, type RedisCluster } from '../support/redis-cluster';
import { startRedis, uniquePrefix, type RedisServer } from '../support/redis-server';
import { connect, connectCluster, eventually, quietLogger } from '../redis/redis-fixture';

// SPEC "Writes, connections and resets": after anything that happens to the
// store behind the processes' backs (FLUSHALL, a deleted or rewound version
// counter, a restart without persistence), every running process converges to
// what Redis holds within resyncIntervalMs plus the propagation bound, and a
// write that resolved is visible to its writer at once. Three processes (two
// RedisBackend, one RedisHighPerfBackend) on a standalone server and on a
// 3-master cluster; a few writes follow each reset within a second, as in
// the report that found processes keeping deleted features for good.

const RESYNC_MS = 500;
const BOUND_MS = RESYNC_MS + 2000; // the resync interval, plus the propagation bound with room for a loaded machine
const run = process.env.REDIS_URL ? describe.skip : describe;

interface Topology {
  client(): RedisClient;
  /** Runs a command on every master (FLUSHALL) or on the one holding the prefix. */
  admin(): RedisClient;
  flushAll(): Promise<void>;
  restartEmpty(): Promise<void>;
  stop(): Promise<void>;
}

type ResetKind = 'FLUSHALL' | 'DEL version' | 'rewound version' | 'restart without persistence';
const RESETS: ResetKind[] = ['FLUSHALL', 'DEL version', 'rewound version', 'restart without persistence'];
/** Whether the reset loses the features themselves (else only the counter moved). */
const losesData = (kind: ResetKind) => kind === 'FLUSHALL' || kind === 'restart without persistence';

async function standalone(): Promise<Topology> {
  const server: RedisServer = await startRedis({ persist: false });
  const clients: Redis[] = [];
  const client = () => {
    const c = connect(server.url);
    clients.push(c);
    return c;
  };
  const admin = client();
  return {
    client,
    admin: () => admin,
    flushAll: async () => void (await admin.flushall()),
    restartEmpty: () => server.restart(),
    stop: async () => {
      clients.forEach((c) => c.disconnect());
      await server.stop();
    },
  };
}

async function cluster(): Promise<Topology> {
  const started: RedisCluster = await startCluster(3);
  const clients: Cluster[] = [];
  const client = () => {
    const c = connectCluster(started.nodes);
    clients.push(c);
    return c;
  };
  const admin = client();
  return {
    client,
    admin: () => admin,
    flushAll: async () => {
      await Promise.all(admin.nodes('master').map((node) => node.flushall()));
    },
    restartEmpty: async () => {
      for (const server of started.servers) await server.restart();
    },
    stop: async () => {
      clients.forEach((c) => c.disconnect());
      await started.stop();
    },
  };
}

const TOPOLOGIES: [string, () => Promise<Topology>][] = [
  ['a standalone server', standalone],
  ['a 3-master cluster', cluster],
];

run.each(TOPOLOGIES)('resets behind the processes, on %s', (_label, start) => {
  let topology: Topology;
  const backends: Backend[] = [];
  beforeAll(async () => {
    topology = await start();
  }, 60_000);
  afterEach(async () => {
    for (const backend of backends.splice(0)) await backend.close();
  });
  afterAll(async () => {
    await topology?.stop();
  });

  const open = (prefix: string, kind: 'plain' | 'highperf') => {
    const options = { prefix, logger: quietLogger(), resyncIntervalMs: RESYNC_MS, writeTimeoutMs: 5000 };
    const client = topology.client();
    const backend = kind === 'plain' ? new RedisBackend(client, options) : new RedisHighPerfBackend(client, options);
    backends.push(backend);
    return { backend, rollout: new Rollout(backend, { logger: quietLogger() }) };
  };

  it.each(RESETS)(
    '%s: every process converges, and the writer reads its write',
    async (kind) => {
      const prefix = uniquePrefix('reset');
      const writer = open(prefix, 'plain');
      const others = [open(prefix, 'plain'), open(prefix, 'highperf')];
      const all = [writer, ...others];
      await Promise.all(all.map(({ backend }) => backend.ready()));
      await writer.rollout.addFunc('old', { percentage: 100 });
      await writer.rollout.addFunc('beta', { percentage: 0 });
      await writer.rollout.register('beta', ['alice']);
      for (let i = 0; i < 5; i++) await writer.rollout.setPercentage('beta', i); // the counter well above 1
      await eventually(() => all.every(({ backend }) => backend.peek('beta')?.percentage === 4), BOUND_MS);

      const admin = topology.admin();
      if (kind === 'FLUSHALL') await topology.flushAll();
      if (kind === 'DEL version') await admin.del(`{${prefix}}:version`);
      if (kind === 'rewound version') await admin.set(`{${prefix}}:version`, '1');
      if (kind === 'restart without persistence') {
        await topology.restartEmpty();
        await eventually(async () => (await admin.ping().catch(() => '')) === 'PONG', 20_000);
      }

      // A few writes right after, from one process: each is visible to it at once.
      if (losesData(kind)) await writer.rollout.addFunc('beta', { percentage: 0 });
      await writer.rollout.setPercentage('beta', 100);
      expect(writer.backend.peek('beta')?.percentage).toBe(100);
      await writer.rollout.addFunc('fresh', { percentage: 100 });
      expect(writer.backend.peek('fresh')).toBeDefined();
      expect(await writer.rollout.isEnabled('beta', 'anyone')).toBe(true);

      // Every process converges to what Redis holds.
      const expected = await writer.rollout.listFuncs();
      expect(expected.sort()).toEqual(losesData(kind) ? ['beta', 'fresh'] : ['beta', 'fresh', 'old']);
      for (const { backend, rollout } of all) {
        await eventually(
          () =>
            backend.peek('beta')?.percentage === 100 &&
            backend.peek('fresh') !== undefined &&
            (backend.peek('old') !== undefined) === !losesData(kind),
          BOUND_MS,
        );
        expect([...backend.knownNames()].sort()).toEqual(expected.sort());
        expect(await rollout.isEnabled('beta', 'anyone')).toBe(true);
      }
    },
    60_000,
  );

  it('FLUSHALL with no write after it: every process drops what Redis no longer holds', async () => {
    const prefix = uniquePrefix('flush');
    const all = [open(prefix, 'plain'), open(prefix, 'highperf')];
    await Promise.all(all.map(({ backend }) => backend.ready()));
    await all[0]!.rollout.addFunc('old', { percentage: 100 });
    await eventually(() => all.every(({ backend }) => backend.peek('old') !== undefined), BOUND_MS);
    await topology.flushAll();
    for (const { backend, rollout } of all) {
      await eventually(() => backend.peek('old') === undefined, BOUND_MS);
      expect(await rollout.isEnabled('old', 'anyone')).toBe(false);
    }
  }, 60_000);
});
