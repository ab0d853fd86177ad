import { replay, Rollout } from '@hanoi/core';
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { checkReplay } from '../support/history-commands';
import { BACKENDS, quietLogger, uniquePrefix, useRedis } from './redis-fixture';

// History on a real Redis: a write the script refuses leaves neither the
// change nor the entry; four processes writing at once leave exactly one
// entry per write; replay of random write sequences gives the stored state.
const redis = useRedis();

it('a write whose entry cannot be appended changes nothing, and appends nothing', async () => {
  const prefix = uniquePrefix('atomic');
  const client = redis.client();
  const rollout = new Rollout(BACKENDS.RedisBackend(client, { prefix, logger: quietLogger() }));
  await rollout.ready();
  await rollout.addFunc('beta', { percentage: 10 });
  await rollout.register('beta', 'alice');
  const before = await rollout.getFunc('beta');
  for (const [key, setUp] of [
    [`{${prefix}}:history`, () => client.set(`{${prefix}}:history`, 'not a stream')],
    [`{${prefix}}:heads`, () => client.set(`{${prefix}}:heads`, 'not a hash')],
  ] as const) {
    const stream = await client.dumpBuffer(`{${prefix}}:history`);
    const heads = await client.dumpBuffer(`{${prefix}}:heads`);
    await client.del(key);
    await setUp();
    await expect(rollout.setPercentage('beta', 90)).rejects.toMatchObject({ code: 'HANOI_HISTORY_DAMAGED' });
    await expect(rollout.register('beta', ['bob', 'carol'])).rejects.toMatchObject({ code: 'HANOI_HISTORY_DAMAGED' });
    await expect(rollout.remove('beta')).rejects.toMatchObject({ code: 'HANOI_HISTORY_DAMAGED' });
    expect(await rollout.getFunc('beta')).toEqual(before);
    await client.del(`{${prefix}}:history`, `{${prefix}}:heads`);
    await client.restore(`{${prefix}}:history`, 0, stream!);
    await client.restore(`{${prefix}}:heads`, 0, heads!);
    expect((await rollout.history()).map((e) => e.action)).toEqual(['register', 'create']);
  }
  await rollout.close();
});

function finished(child: ChildProcess): Promise<{ written: number }> {
  return new Promise((resolve, reject) => {
    child.on('message', (message: { done?: boolean; written: number; error?: string }) => {
      if (message.error) reject(new Error(message.error));
      else if (message.done) resolve(message);
    });
    child.once('exit', (code) => code !== 0 && reject(new Error(`writer exited with ${code}`)));
  });
}

it('four processes writing at once: exactly one entry per write, each with its writer', async () => {
  const prefix = uniquePrefix('history-concurrency');
  const client = redis.client();
  const setup = new Rollout(BACKENDS.RedisBackend(client, { prefix, logger: quietLogger() }));
  await setup.addFunc('shared');
  const perWriter = 150;
  const children = [0, 1, 2, 3].map((i) =>
    fork(join(__dirname, 'fixtures', 'history-writer.ts'), [redis.server().url, prefix, String(i), String(perWriter)], {
      execArgv: ['--import', 'tsx'],
      cwd: join(__dirname, '..', '..'),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const results = await Promise.all(children.map(finished));
  expect(results.map((r) => r.written)).toEqual([perWriter, perWriter, perWriter, perWriter]);
  const entries = await setup.history({ limit: 10_000 });
  expect(entries).toHaveLength(4 * perWriter + 1);
  expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
  for (const i of [0, 1, 2, 3]) expect(entries.filter((e) => e.actor === `w${i}`)).toHaveLength(perWriter);
  // The entries' order is the writes' order: replaying them gives what is stored.
  const rebuilt = [...entries].reverse().reduce(replay, undefined)!;
  const stored = (await setup.getFunc('shared'))!;
  expect({
    enabled: rebuilt.data.enabled,
    percentage: rebuilt.data.percentage,
    users: [...rebuilt.users].sort(),
  }).toEqual({ enabled: stored.enabled, percentage: stored.percentage, users: [...stored.users].sort() });
  await setup.close();
});

for (const [kind, make] of Object.entries(BACKENDS)) {
  it(`${kind}: replaying a feature's entries gives its state, for random write sequences (fast-check)`, async () => {
    const client = redis.client();
    const rollout = new Rollout(make(client, { prefix: uniquePrefix('replay'), logger: quietLogger() }));
    await rollout.ready();
    await checkReplay(rollout, 40);
    await rollout.close();
  });
}
