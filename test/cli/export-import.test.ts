import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rollout, type FeatureSnapshot } from '@hanoi/core';
import { RedisBackend } from '@hanoi/redis';
import { Redis } from 'ioredis';
import { startRedis, uniquePrefix, type RedisServer } from '../support/redis-server';
import { connectedHanoi, type CliRun } from './hanoi-binary';

jest.setTimeout(180_000);

// `hanoi export > features.json ; hanoi import features.json`, between two
// prefixes of one real Redis; the features are set up and read back through
// a Rollout in this process, not through the CLI.

let redis: RedisServer;
let client: Redis;
let dir: string;

beforeAll(async () => {
  redis = await startRedis({ persist: false });
  client = new Redis(redis.url);
  dir = mkdtempSync(join(tmpdir(), 'hanoi-cli-export-'));
});

afterAll(async () => {
  await client.quit();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function withRollout<T>(prefix: string, fn: (rollout: Rollout) => Promise<T>): Promise<T> {
  const rollout = new Rollout(new RedisBackend(client, { prefix }));
  try {
    await rollout.ready();
    return await fn(rollout);
  } finally {
    await rollout.close();
  }
}

async function everything(rollout: Rollout): Promise<FeatureSnapshot[]> {
  const names = (await rollout.listFuncs()).sort();
  const snapshots = await Promise.all(names.map(async (name) => (await rollout.getFunc(name))!));
  return snapshots.map((snapshot) => ({ ...snapshot, users: [...snapshot.users].sort() }));
}

function ok(run: CliRun): string {
  if (run.code !== 0) throw new Error(`exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  return run.stdout;
}

async function seed(rollout: Rollout): Promise<void> {
  await rollout.addFunc('beta', { percentage: 10, variants: ['control', 'new'] });
  await rollout.register('beta', ['447568110000', '443301', 'a,b', 'c|d']);
  await rollout.register('beta', /01$/);
  await rollout.register('beta', /^ADM/i);
  await rollout.addFunc('checkout', {
    percentage: 50,
    enabled: false,
    variants: [
      { name: 'a', weight: 90 },
      { name: 'b', weight: 10 },
    ],
  });
  await rollout.addFunc('__proto__', { percentage: 100 });
}

test('export, then import into another prefix, gives the same features', async () => {
  const from = uniquePrefix('export-from');
  const to = uniquePrefix('export-to');
  await withRollout(from, seed);
  const exported = ok(await connectedHanoi(redis.url, from)('export'));
  const path = join(dir, 'features.json');
  writeFileSync(path, exported);
  const parsed = JSON.parse(exported) as { hanoi: number; features: FeatureSnapshot[] };
  expect(parsed.hanoi).toBe(1);
  expect(parsed.features.map((feature) => feature.name)).toEqual(['__proto__', 'beta', 'checkout']);

  expect(ok(await connectedHanoi(redis.url, to)('import', path))).toBe('imported 3 feature(s): 3 created, 0 updated\n');
  const original = await withRollout(from, everything);
  expect(await withRollout(to, everything)).toEqual(original);
  expect(original).toContainEqual({
    name: 'beta',
    enabled: true,
    percentage: 10,
    users: ['443301', '447568110000', 'a,b', 'c|d'],
    patterns: expect.arrayContaining([
      { source: '01$', flags: '' },
      { source: '^ADM', flags: 'i' },
    ]),
    variants: [
      { name: 'control', weight: 1 },
      { name: 'new', weight: 1 },
    ],
  });
});

test('import makes each feature match the file; --replace removes the others', async () => {
  const prefix = uniquePrefix('import');
  const cli = connectedHanoi(redis.url, prefix);
  await withRollout(prefix, async (rollout) => {
    await rollout.addFunc('beta', { percentage: 90 });
    await rollout.register('beta', ['stale-user', '443301']);
    await rollout.register('beta', /stale/);
    await rollout.addFunc('other');
  });
  const path = join(dir, 'partial.json');
  const wanted = {
    name: 'beta',
    enabled: true,
    percentage: 10,
    users: ['443301', 'new-user'],
    patterns: [{ source: '01$', flags: '' }],
    variants: [],
  };
  writeFileSync(path, JSON.stringify({ hanoi: 1, features: [wanted] }));

  expect(ok(await cli('--json', 'import', path))).toBe(
    `${JSON.stringify({ created: [], updated: ['beta'], removed: [] }, null, 2)}\n`,
  );
  expect(await withRollout(prefix, everything)).toEqual([
    { ...wanted, users: ['443301', 'new-user'] },
    { name: 'other', enabled: true, percentage: 0, users: [], patterns: [], variants: [] },
  ]);
  expect(ok(await cli('import', path, '--replace'))).toBe('imported 1 feature(s): 0 created, 1 updated, 1 removed\n');
  expect(await withRollout(prefix, (rollout) => rollout.listFuncs())).toEqual(['beta']);
});

test('an empty list of features imports nothing and exits 0', async () => {
  const prefix = uniquePrefix('import-empty');
  const cli = connectedHanoi(redis.url, prefix);
  await withRollout(prefix, (rollout) => rollout.addFunc('keep', { percentage: 5 }));
  const before = await withRollout(prefix, everything);
  for (const [label, content] of [
    ['bare', []],
    ['wrapped', { hanoi: 1, features: [] }],
  ] as const) {
    const path = join(dir, `empty-${label}.json`);
    writeFileSync(path, JSON.stringify(content));
    expect(ok(await cli('import', path))).toBe('imported 0 feature(s): 0 created, 0 updated\n');
  }
  // A byte-order mark before the JSON (as some Windows editors write) is not part of it.
  const withBom = join(dir, 'bom.json');
  writeFileSync(withBom, `\ufeff${JSON.stringify([{ name: 'keep', percentage: 5 }])}`);
  expect(ok(await cli('import', withBom))).toBe('imported 1 feature(s): 0 created, 1 updated\n');
  expect(await withRollout(prefix, everything)).toEqual(before);
});

test('variant values survive export and import; a bad value in the file exits 2 naming the field', async () => {
  const from = uniquePrefix('values-from');
  const to = uniquePrefix('values-to');
  const variants = [
    { name: 'control', weight: 9, value: { color: 'grey', sizes: [1, 2] } },
    { name: 'new', weight: 1, value: 'ünïcödé 🎉' },
    { name: 'plain', weight: 1 },
  ];
  await withRollout(from, (rollout) => rollout.addFunc('banner', { percentage: 30, variants }));
  const exported = ok(await connectedHanoi(redis.url, from)('export'));
  const path = join(dir, 'values.json');
  writeFileSync(path, exported);
  expect((JSON.parse(exported) as { features: FeatureSnapshot[] }).features[0]!.variants).toEqual(variants);
  ok(await connectedHanoi(redis.url, to)('import', path));
  expect((await withRollout(to, (rollout) => rollout.getFunc('banner')))!.variants).toEqual(variants);

  const bad = join(dir, 'bad-value.json');
  writeFileSync(
    bad,
    JSON.stringify({ hanoi: 1, features: [{ name: 'banner', variants: [{ name: 'a', value: 'x'.repeat(20_000) }] }] }),
  );
  const run = await connectedHanoi(redis.url, to)('import', bad);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/variant value/);
  expect((await withRollout(to, (rollout) => rollout.getFunc('banner')))!.variants).toEqual(variants);
});

test('a bad import file exits 2 and nothing is written', async () => {
  const prefix = uniquePrefix('import-bad');
  const cli = connectedHanoi(redis.url, prefix);
  await withRollout(prefix, (rollout) => rollout.addFunc('keep', { percentage: 5 }));
  const before = await withRollout(prefix, everything);
  const good = { name: 'fine', enabled: true, percentage: 1, users: ['u1'], patterns: [], variants: [] };
  const cases: [string, unknown, string][] = [
    ['percentage', { hanoi: 1, features: [good, { ...good, name: 'b', percentage: 101 }] }, 'feature #2 ("b")'],
    ['user id', { hanoi: 1, features: [good, { ...good, name: 'c', users: ['ok', ''] }] }, 'Invalid user id'],
    ['duplicate', { hanoi: 1, features: [good, good] }, 'appears twice'],
    ['pattern', [good, { ...good, name: 'd', patterns: [{ source: '(a)\\1', flags: '' }] }], 'feature #2'],
    ['version', { hanoi: 2, features: [good] }, 'not a hanoi export'],
    ['null', null, 'not a hanoi export'],
    ['number', 42, 'not a hanoi export'],
    ['string', 'features', 'not a hanoi export'],
    ['true', true, 'not a hanoi export'],
    ['empty object', {}, 'not a hanoi export'],
    ['no features', { hanoi: 1 }, 'not a hanoi export'],
    ['features not a list', { hanoi: 1, features: {} }, 'not a hanoi export'],
    ['a feature that is null', [good, null], 'feature #2'],
  ];
  for (const [label, content, message] of cases) {
    const path = join(dir, `bad-${label}.json`);
    writeFileSync(path, JSON.stringify(content));
    const run = await cli('import', path, '--replace');
    expect({ label, code: run.code }).toEqual({ label, code: 2 });
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain(path);
  }
  const notJson = join(dir, 'not.json');
  writeFileSync(notJson, '{"hanoi":1,"features":[');
  expect((await cli('import', notJson)).code).toBe(2);
  // A byte that is not UTF-8 in a user id is refused, not imported as U+FFFD.
  const latin1 = join(dir, 'latin1.json');
  writeFileSync(latin1, Buffer.from('[{"name":"fine","users":["caf\xe9"]}]', 'latin1'));
  const refused = await cli('import', latin1);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('UTF-8');
  expect(await withRollout(prefix, everything)).toEqual(before);
});
