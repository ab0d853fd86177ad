import { Rollout } from '@hanoi/core';
import { RedisBackend, RedisHighPerfBackend } from '@hanoi/redis';
import { Redis } from 'ioredis';
import { startRedis, uniquePrefix, type RedisServer } from '../support/redis-server';
import { connectedHanoi, type CliRun } from './hanoi-binary';

jest.setTimeout(180_000);

// A change made with `hanoi` reaches apps that are already running, without
// a restart: two Rollouts (one per backend), each on its own connection,
// watch the same prefix while the CLI, another process, changes it.

let redis: RedisServer;
const clients: Redis[] = [];

beforeAll(async () => {
  redis = await startRedis({ persist: false });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.quit()));
  await redis.stop();
});

/** Polls `probe` every 20 ms until it returns `expected`, for at most 15 s (750 polls). */
async function eventually<T>(probe: () => Promise<T> | T, expected: T): Promise<void> {
  let last: T | undefined;
  for (let attempt = 0; attempt < 750; attempt++) {
    last = await probe();
    if (Object.is(last, expected)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`still ${String(last)}, expected ${String(expected)}`);
}

function ok(run: CliRun): void {
  if (run.code !== 0) throw new Error(`exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
}

test('running apps see every CLI change without a restart', async () => {
  const prefix = uniquePrefix('cli-live');
  const cli = connectedHanoi(redis.url, prefix);
  const apps = [RedisBackend, RedisHighPerfBackend].map((Backend) => {
    const client = new Redis(redis.url);
    clients.push(client);
    return new Rollout(new Backend(client, { prefix }));
  });
  try {
    await Promise.all(apps.map((app) => app.ready()));
    for (const app of apps) expect((await app.explain('beta', '44488')).reason).toBe('unknown');

    // 44488 is bucket 88 (test/fixtures/bucketing.json).
    ok(await cli('add', 'beta', '--percentage', '90'));
    for (const app of apps) await eventually(() => app.isEnabled('beta', '44488'), true);

    ok(await cli('percentage', 'beta', '88'));
    for (const app of apps) await eventually(() => app.isEnabled('beta', '44488'), false);

    ok(await cli('register', 'beta', '44488'));
    for (const app of apps) await eventually(async () => (await app.explain('beta', '44488')).reason, 'listed');

    ok(await cli('unregister', 'beta', '44488'));
    ok(await cli('register', 'beta', '--pattern', '88$'));
    for (const app of apps) await eventually(async () => (await app.explain('beta', '44488')).reason, 'pattern');

    ok(await cli('disable', 'beta'));
    for (const app of apps) await eventually(() => app.isEnabled('beta', '44488'), false);

    ok(await cli('remove', 'beta'));
    for (const app of apps) await eventually(async () => (await app.explain('beta', '44488')).reason, 'unknown');
  } finally {
    await Promise.all(apps.map((app) => app.close()));
  }
});
