import { Rollout } from '@hanoi/core';
import { RedisBackend } from '@hanoi/redis';
import { Redis } from 'ioredis';
import { userInfo, hostname } from 'node:os';
import { startRedis, uniquePrefix, type RedisServer } from '../support/redis-server';
import { connectedHanoi, json, type CliRun } from './hanoi-binary';

// `hanoi history` and `hanoi revert` of the built binary against a real
// redis-server: who (--actor, default user@host), why (--reason), the table,
// --json, paging, a revert and a refused one (exit 5), and retention.

jest.setTimeout(180_000); // each step spawns a process

let redis: RedisServer;
let client: Redis;
let prefix: string;
let cli: (...args: string[]) => Promise<CliRun>;

beforeAll(async () => {
  redis = await startRedis({ persist: false });
  client = new Redis(redis.url);
});

afterAll(async () => {
  await client.quit();
  await redis.stop();
});

beforeEach(() => {
  prefix = uniquePrefix('history');
  cli = connectedHanoi(redis.url, prefix);
});

function ok(run: CliRun): string {
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  return run.stdout;
}

interface Entry {
  id: string;
  action: string;
  actor: string;
  reason?: string;
  source: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

test('history lists who changed what, newest first; --actor defaults to user@host; --reason is kept', async () => {
  ok(await cli('add', 'beta', '--percentage', '10'));
  ok(await cli('--actor', 'ana@example.com', '--reason', 'ramp up', 'percentage', 'beta', '25'));
  ok(await cli('register', 'beta', 'alice', 'bob'));
  const { entries, dropped } = json<{ entries: Entry[]; dropped: number }>(await cli('--json', 'history', 'beta'));
  expect(dropped).toBe(0);
  expect(entries.map((e) => e.action)).toEqual(['register', 'update', 'create']);
  expect(entries[1]).toMatchObject({
    actor: 'ana@example.com',
    reason: 'ramp up',
    source: 'cli',
    before: { percentage: 10 },
    after: { percentage: 25 },
  });
  expect(entries[0]!.actor).toBe(`${userInfo().username}@${hostname()}`);
  expect((entries[0]!.after!.users as string[]).sort()).toEqual(['alice', 'bob']);

  const table = ok(await cli('history', 'beta'));
  expect(table).toContain('percentage 10% -> 25%');
  expect(table).toContain('ana@example.com (cli)');
  expect(table).toContain('"ramp up"');
  expect(table).toMatch(/users \+(alice|bob) \+(alice|bob)/);
  expect(table.indexOf('register beta')).toBeLessThan(table.indexOf('create beta'));

  const page = json<{ entries: Entry[] }>(await cli('--json', 'history', '--limit', '1', '--before', entries[0]!.id));
  expect(page.entries.map((e) => e.id)).toEqual([entries[1]!.id]);
  expect((await cli('history', '--limit', 'x')).code).toBe(2);
});

test('revert undoes one entry as a new one; a revert behind a later change exits 5 unless --force', async () => {
  ok(await cli('add', 'beta', '--percentage', '10'));
  ok(await cli('percentage', 'beta', '90'));
  const [mistake] = json<{ entries: Entry[] }>(await cli('--json', 'history', 'beta', '--limit', '1')).entries;
  ok(await cli('register', 'beta', 'carol'));
  const refused = await cli('revert', mistake!.id);
  expect(refused.code).toBe(5);
  expect(refused.stderr).toContain('changed after entry');
  const reader = new Rollout(new RedisBackend(client, { prefix }));
  expect((await reader.getFunc('beta'))!.percentage).toBe(90);
  expect(ok(await cli('--reason', 'too fast', 'revert', mistake!.id, '--force'))).toMatch(
    /^reverted \S+: new entry \S+\n$/,
  );
  expect(await reader.getFunc('beta')).toMatchObject({ percentage: 10, users: ['carol'] });
  const [latest] = json<{ entries: Entry[] }>(await cli('--json', 'history', '--limit', '1')).entries;
  expect(latest).toMatchObject({
    action: 'revert',
    reason: 'too fast',
    before: { percentage: 90 },
    after: { percentage: 10 },
  });
  expect((await cli('revert', '1-1')).code).toBe(2);
  await reader.close();
});

test('history says when retention dropped older entries', async () => {
  const writer = new Rollout(new RedisBackend(client, { prefix, historyLimit: 3 }));
  await writer.addFunc('beta');
  for (let p = 1; p <= 5; p++) await writer.setPercentage('beta', p);
  await writer.close();
  const out = ok(await cli('history'));
  expect(out).toContain('3 older entries were dropped');
  expect(out).toContain('percentage 4% -> 5%');
  expect(out).not.toContain('create beta');
});
