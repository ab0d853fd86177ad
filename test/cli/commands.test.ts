import { Rollout } from '@hanoi/core';
import { RedisBackend } from '@hanoi/redis';
import { Redis } from 'ioredis';
import { startRedis, uniquePrefix, type RedisServer } from '../support/redis-server';
import { connectedHanoi, hanoi, json, type CliRun } from './hanoi-binary';

// Every command of the built binary against a real redis-server. Expected
// buckets come from test/fixtures/bucketing.json: 443301 and 447568110000
// are bucket 5, 44488 bucket 88, 444401 bucket 85, "1" bucket 83.

jest.setTimeout(180_000); // each step spawns a process; a loaded 2-core machine is slow at that

let redis: RedisServer;
let client: Redis;
let prefix: string;
let cli: (...args: string[]) => Promise<CliRun>;
let reader: Rollout;

beforeAll(async () => {
  redis = await startRedis({ persist: false });
  client = new Redis(redis.url);
});

afterAll(async () => {
  await client.quit();
  await redis.stop();
});

beforeEach(() => {
  prefix = uniquePrefix('cli');
  cli = connectedHanoi(redis.url, prefix);
  reader = new Rollout(new RedisBackend(client, { prefix }));
});

afterEach(async () => {
  await reader.close();
});

function ok(run: CliRun): string {
  if (run.code !== 0) throw new Error(`exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  return run.stdout;
}

test('the session of the issue: add, register ids and a pattern, check', async () => {
  expect(ok(await cli('add', 'beta', '--percentage', '10', '--variants', 'control,new'))).toBe(
    'beta: on, 10%, variants control,new\n',
  );
  expect(ok(await cli('register', 'beta', '447568110000', '443301'))).toBe('beta: registered 2 users\n');
  expect(ok(await cli('register', 'beta', '--pattern', '01$'))).toBe('beta: registered pattern /01$/\n');
  expect(ok(await cli('check', 'beta', '443301'))).toBe('on: listed user\n');
  expect(ok(await cli('check', 'beta', '44488'))).toBe('off: bucket 88 is not under 10%\n');
  expect(ok(await cli('check', 'beta', '444401'))).toBe('on: matches pattern /01$/\n');
  expect(ok(await cli('check', 'beta', '1'))).toBe('off: bucket 83 is not under 10%\n');
  expect(await reader.getFunc('beta')).toEqual({
    name: 'beta',
    enabled: true,
    percentage: 10,
    users: expect.arrayContaining(['447568110000', '443301']),
    patterns: [{ source: '01$', flags: '' }],
    variants: [
      { name: 'control', weight: 1 },
      { name: 'new', weight: 1 },
    ],
  });
  expect((await reader.getFunc('beta'))!.users).toHaveLength(2);
});

test('check words every reason, and --json gives the fields and the variant', async () => {
  ok(await cli('add', 'exp', '--percentage', '6', '--variants', 'a,b'));
  expect(ok(await cli('check', 'exp', '443301'))).toBe('on: bucket 5 is under 6%\n');
  ok(await cli('percentage', 'exp', '5'));
  expect(ok(await cli('check', 'exp', '443301'))).toBe('off: bucket 5 is not under 5%\n');
  expect(ok(await cli('check', 'exp'))).toBe('off: no user given, and the feature is at 5%, not 100%\n');
  ok(await cli('register', 'exp', '--pattern', 'ALI', '--flags', 'i'));
  expect(ok(await cli('check', 'exp', 'alice'))).toBe('on: matches pattern /ALI/i\n');
  ok(await cli('percentage', 'exp', '100'));
  expect(ok(await cli('check', 'exp', '44488'))).toBe('on: everyone (100%)\n');
  expect(ok(await cli('check', 'exp'))).toBe('on: no user given, and the feature is on for everyone (100%)\n');
  ok(await cli('disable', 'exp'));
  expect(ok(await cli('check', 'exp', '44488'))).toBe('off: the feature is disabled\n');
  ok(await cli('enable', 'exp'));

  const answer = json<Record<string, unknown>>(await cli('--json', 'check', 'exp', '44488'));
  await reader.ready();
  expect(answer).toEqual({
    feature: 'exp',
    user: '44488',
    enabled: true,
    reason: 'everyone',
    variant: await reader.variant('exp', '44488'),
  });
  expect(['a', 'b']).toContain(answer.variant);
  ok(await cli('percentage', 'exp', '10'));
  expect(json(await cli('check', 'exp', '44488', '--json'))).toEqual({
    feature: 'exp',
    user: '44488',
    enabled: false,
    reason: 'bucket',
    bucket: 88,
    percentage: 10,
    variant: null,
  });
});

test('check on an unknown feature answers off and exits 3', async () => {
  const run = await cli('check', 'nope', '443301');
  expect(run).toMatchObject({ code: 3, stdout: 'off: no such feature "nope"\n' });
  expect(json(await cli('--json', 'check', 'nope'))).toMatchObject({ enabled: false, reason: 'unknown' });
});

test('enable, disable, toggle, percentage, variants and remove change the stored feature', async () => {
  ok(await cli('add', 'f'));
  expect(ok(await cli('disable', 'f'))).toBe('f: off, 0%\n');
  expect((await reader.getFunc('f'))!.enabled).toBe(false);
  expect(ok(await cli('toggle', 'f'))).toBe('f: on, 0%\n');
  expect(json(await cli('--json', 'toggle', 'f'))).toEqual({
    name: 'f',
    enabled: false,
    percentage: 0,
    patterns: [],
    variants: [],
  });
  expect(ok(await cli('enable', 'f'))).toBe('f: on, 0%\n');
  expect(ok(await cli('percentage', 'f', '25'))).toBe('f: on, 25%\n');
  expect(ok(await cli('variants', 'f', 'a=90,b=10'))).toBe('f: on, 25%, variants a=90,b=10\n');
  expect((await reader.getFunc('f'))!.variants).toEqual([
    { name: 'a', weight: 90 },
    { name: 'b', weight: 10 },
  ]);
  ok(await cli('variants', 'f', '[{"name":"x,y","weight":2},"z"]'));
  expect((await reader.getFunc('f'))!.variants).toEqual([
    { name: 'x,y', weight: 2 },
    { name: 'z', weight: 1 },
  ]);
  ok(await cli('variants', 'f', '--none'));
  expect((await reader.getFunc('f'))!.variants).toEqual([]);
  ok(await cli('add', 'f', '--disabled'));
  expect(await reader.getFunc('f')).toMatchObject({ enabled: false, percentage: 25 });
  expect(ok(await cli('remove', 'f'))).toBe('removed f\n');
  expect(await reader.getFunc('f')).toBeUndefined();
});

test('list and show, as tables and as JSON', async () => {
  expect(ok(await cli('list'))).toBe('no features\n');
  expect(json(await cli('--json', 'list'))).toEqual([]);
  ok(await cli('add', 'b', '--percentage', '10'));
  ok(await cli('add', 'a', '--variants', 'x,y'));
  ok(await cli('register', 'a', 'u1', 'u2', 'u3', '--pattern', '^adm'));
  expect(json(await cli('--json', 'list'))).toEqual([
    {
      name: 'a',
      enabled: true,
      percentage: 0,
      userCount: 3,
      patterns: [{ source: '^adm', flags: '' }],
      variants: [
        { name: 'x', weight: 1 },
        { name: 'y', weight: 1 },
      ],
    },
    { name: 'b', enabled: true, percentage: 10, userCount: 0, patterns: [], variants: [] },
  ]);
  const table = ok(await cli('list'));
  expect(table.split('\n').find((line) => line.includes(' a '))).toMatch(
    /│ a\s+│ on\s+│ 0\s+│ 3\s+│ \/\^adm\/\s+│ x,y\s+│/,
  );
  const shown = json<{ users: string[] }>(await cli('show', 'a', '--json'));
  expect(shown).toMatchObject({ name: 'a', enabled: true, percentage: 0, patterns: [{ source: '^adm', flags: '' }] });
  expect(shown.users.sort()).toEqual(['u1', 'u2', 'u3']);
  expect(ok(await cli('show', 'a'))).toMatch(/users \(3\)\s+│ u1/);
});

test('invalid input exits 2 and changes nothing', async () => {
  ok(await cli('add', 'beta', '--percentage', '10'));
  const before = await reader.getFunc('beta');
  const attempts = [
    ['percentage', 'beta', '101'],
    ['percentage', 'beta', '50.5'],
    ['percentage', 'beta', 'ten'],
    ['add', 'has space'],
    ['add', 'beta', '--percentage', '-1'],
    ['variants', 'beta', 'a,a'],
    ['variants', 'beta'],
    ['register', 'beta', 'ok-id', 'x'.repeat(513)],
    ['register', 'beta', 'ok-id', ''],
    ['register', 'beta', '--pattern', '(a)\\1'],
    ['register', 'beta'],
    ['frobnicate'],
    ['check'],
    ['list', 'extra'],
  ];
  for (const args of attempts) {
    const run = await cli(...args);
    expect({ args, code: run.code, said: run.stderr.length > 0 }).toEqual({ args, code: 2, said: true });
  }
  expect(await reader.getFunc('beta')).toEqual(before);
  expect(await reader.listFuncs()).toEqual(['beta']);
  const run = await cli('--json', 'percentage', 'beta', '101');
  expect(JSON.parse(run.stderr)).toEqual({
    error: { code: 'HANOI_INVALID_ARGUMENT', message: expect.stringContaining('101'), exitCode: 2 },
  });
});

test('every management command on an unknown feature exits 3', async () => {
  for (const args of [
    ['enable', 'nope'],
    ['disable', 'nope'],
    ['toggle', 'nope'],
    ['percentage', 'nope', '5'],
    ['variants', 'nope', 'a,b'],
    ['register', 'nope', 'u1'],
    ['unregister', 'nope', 'u1'],
    ['register', 'nope', '--pattern', 'x'],
    ['remove', 'nope'],
    ['show', 'nope'],
  ]) {
    const run = await cli(...args);
    expect({ args, code: run.code, stderr: run.stderr }).toEqual({
      args,
      code: 3,
      stderr: expect.stringContaining('"nope" does not exist'),
    });
  }
  expect(await reader.listFuncs()).toEqual([]);
});

test('--help on every command', async () => {
  const commands = [
    'list',
    'show',
    'add',
    'enable',
    'disable',
    'toggle',
    'percentage',
    'variants',
    'register',
    'unregister',
    'remove',
    'check',
    'export',
    'import',
  ];
  const top = await hanoi(['--help']);
  expect(top.code).toBe(0);
  for (const command of commands) expect(top.stdout).toContain(`  ${command}`);
  expect(top.stdout).toContain('4  Redis could not be reached');
  for (const command of commands) {
    const run = await hanoi([command, '--help']);
    expect({ command, code: run.code }).toEqual({ command, code: 0 });
    expect(run.stdout).toContain(`Usage: hanoi ${command}`);
    expect(run.stdout).toContain('Exit codes:');
  }
});
