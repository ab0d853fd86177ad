import { MemoryBackend, MemoryStore, Rollout, StoreBackend } from '@hanoi/core';
import { checkReplay } from '../support/history-commands';

// History on MemoryBackend beyond the contract: atomicity when a write fails
// half way, retention, scopes and options, and replay over random sequences.

test('a write that fails half way (its data cannot be stored) leaves neither the change nor the entry', async () => {
  const rollout = new Rollout(new MemoryBackend());
  await rollout.addFunc('beta', { percentage: 10 });
  const before = await rollout.getFunc('beta');
  // A BigInt is not JSON: copying it into the store throws, mid-write.
  await expect(rollout.backend.update('beta', { percentage: 20, rules: [10n] } as never)).rejects.toThrow();
  expect(await rollout.getFunc('beta')).toEqual(before);
  expect(await rollout.history()).toHaveLength(1);
});

test('historyLimit keeps the newest entries and counts the dropped ones', async () => {
  const rollout = new Rollout(new MemoryBackend({ historyLimit: 3 }));
  await rollout.addFunc('beta');
  for (let p = 1; p <= 5; p++) await rollout.setPercentage('beta', p);
  const { entries, dropped } = await rollout.historyPage();
  expect(entries.map((e) => e.after?.percentage)).toEqual([5, 4, 3]);
  expect(dropped).toBe(3);
  expect(() => new MemoryStore({ historyLimit: 0 })).toThrow(TypeError);
  expect(() => new MemoryStore({ historyLimit: 1.5 })).toThrow(TypeError);
});

test('retention over many writes: always the newest historyLimit entries, pages included, frozen when read', async () => {
  const rollout = new Rollout(new MemoryBackend({ historyLimit: 4 }));
  await rollout.addFunc('beta');
  for (let n = 1; n <= 23; n++) {
    await rollout.register('beta', `u${n}`);
    const { entries, dropped } = await rollout.historyPage({ limit: 10 });
    // n registrations and the creation were written; the newest four are kept.
    const kept = Math.min(n + 1, 4);
    expect(dropped).toBe(n + 1 - kept);
    const expected = Array.from({ length: kept }, (_, i) => n - i).map((k) => (k === 0 ? [] : [`u${k}`]));
    expect(entries.map((e) => e.after?.users)).toEqual(expected);
    const older = await rollout.historyPage({ limit: 10, before: entries[1]!.id });
    expect(older.entries.map((e) => e.id)).toEqual(entries.slice(2).map((e) => e.id));
  }
  const [latest] = await rollout.history({ limit: 1 });
  expect(Object.isFrozen(latest) && Object.isFrozen(latest!.after) && Object.isFrozen(latest!.after!.users)).toBe(true);
});

test('the actor: the Rollout option, a scope, or user@host; never empty', async () => {
  const backend = new MemoryBackend();
  const rollout = new Rollout(backend, { actor: 'deploy-bot', source: 'admin' });
  await rollout.addFunc('beta');
  await rollout.as({ reason: 'INC-7' }).enable('beta');
  await rollout.as({ actor: 'ana' }).disable('beta');
  await new Rollout(backend).toggle('beta');
  const [toggle, disable, enable, create] = await rollout.history();
  expect(create).toMatchObject({ actor: 'deploy-bot', source: 'admin' });
  expect(enable).toMatchObject({ actor: 'deploy-bot', reason: 'INC-7' });
  expect(disable).toMatchObject({ actor: 'ana', source: 'admin' });
  expect(disable!.reason).toBeUndefined();
  expect(toggle!.actor).toMatch(/^.+@.+$/);
  expect(toggle!.source).toBe('api');
  for (const actor of ['', '   ', 'a\nb', 'x'.repeat(257), 42]) {
    expect(() => rollout.as({ actor: actor as string })).toThrow(
      expect.objectContaining({ code: 'HANOI_INVALID_ARGUMENT' }),
    );
  }
  expect(() => new Rollout(backend, { source: 'web' as never })).toThrow(TypeError);
  expect(() => rollout.as({ source: 'web' as never })).toThrow(TypeError);
  await expect(rollout.history({ limit: 0 })).rejects.toMatchObject({ code: 'HANOI_INVALID_ARGUMENT' });
});

test("a scope can say where its writes come from; other writes keep the Rollout's source", async () => {
  const rollout = new Rollout(new MemoryBackend(), { actor: 'app' });
  const admin = rollout.as({ actor: 'ana@example.com', source: 'admin' });
  await admin.addFunc('beta');
  await admin.as({ reason: 'INC-9' }).setPercentage('beta', 25);
  await rollout.disable('beta');
  const [disable, percentage, create] = await rollout.history({ feature: 'beta' });
  expect(create).toMatchObject({ actor: 'ana@example.com', source: 'admin' });
  expect(percentage).toMatchObject({ actor: 'ana@example.com', source: 'admin', reason: 'INC-9' });
  expect(disable).toMatchObject({ actor: 'app', source: 'api' });
});

test('replaying a feature from its creation gives its state, for random write sequences (fast-check)', async () => {
  const rollout = new Rollout(new StoreBackend(new MemoryStore(), { resyncIntervalMs: false }));
  await checkReplay(rollout, 200);
});

test("a segment's writes carry the scope, and history({ segment }) reads them alone", async () => {
  const rollout = new Rollout(new MemoryBackend());
  const ana = rollout.as({ actor: 'ana', reason: 'beta cohort', source: 'admin' });
  await ana.defineSegment('testers', { users: ['u1'] });
  await rollout.addFunc('beta');
  await ana.registerSegment('testers', ['u2']);
  await ana.unregisterSegment('testers', 'u1');
  await ana.removeSegment('testers');
  const entries = await rollout.history({ segment: 'testers' });
  expect(entries.map((e) => [e.feature, e.action, e.actor, e.reason, e.source])).toEqual([
    ['segment testers', 'remove', 'ana', 'beta cohort', 'admin'],
    ['segment testers', 'unregister', 'ana', 'beta cohort', 'admin'],
    ['segment testers', 'register', 'ana', 'beta cohort', 'admin'],
    ['segment testers', 'register', 'ana', 'beta cohort', 'admin'],
    ['segment testers', 'create', 'ana', 'beta cohort', 'admin'],
  ]);
  await expect(rollout.history({ feature: 'beta', segment: 'testers' })).rejects.toMatchObject({
    code: 'HANOI_INVALID_ARGUMENT',
  });
  await expect(rollout.history({ segment: 'no such' })).rejects.toMatchObject({ code: 'HANOI_INVALID_ARGUMENT' });
});

test('writes in one millisecond keep their own actor, source and reason; a meta changed afterwards changes no entry', async () => {
  const store = new MemoryStore();
  const backend = new StoreBackend(store, { resyncIntervalMs: false });
  await backend.ready();
  const meta = { actor: 'ana', source: 'api' as const, reason: 'first' };
  await backend.addFunc('beta', {}, meta);
  // Written back to back (one millisecond, as a rule): only the meta tells them apart.
  await backend.registerUsers('beta', ['u1'], meta);
  await backend.registerUsers('beta', ['u2'], { ...meta, reason: 'second' });
  await backend.registerUsers('beta', ['u3'], { actor: 'bob', source: 'cli' });
  await backend.registerUsers('beta', ['u4', 'u5', 'u4'], meta);
  meta.reason = 'changed';
  meta.actor = 'eve';
  const { entries } = await store.history({ limit: 10 });
  expect(entries.map(({ actor, source, reason, after }) => ({ actor, source, reason, users: after?.users }))).toEqual([
    { actor: 'ana', source: 'api', reason: 'first', users: ['u4', 'u5'] },
    { actor: 'bob', source: 'cli', reason: undefined, users: ['u3'] },
    { actor: 'ana', source: 'api', reason: 'second', users: ['u2'] },
    { actor: 'ana', source: 'api', reason: 'first', users: ['u1'] },
    { actor: 'ana', source: 'api', reason: 'first', users: [] },
  ]);
  expect(entries.map((e) => e.action)).toEqual(['register', 'register', 'register', 'register', 'create']);
  // Read again: equal entries, each frozen, sharing no array with the first read.
  const again = (await store.history({ limit: 10 })).entries;
  expect(again).toEqual(entries);
  expect(again[0]!.after!.users).not.toBe(entries[0]!.after!.users);
  expect(
    Object.isFrozen(again[0]) && Object.isFrozen(again[0]!.before) && Object.isFrozen(again[0]!.after!.users),
  ).toBe(true);
  await backend.close();
});
