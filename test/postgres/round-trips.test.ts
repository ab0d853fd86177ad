import { Rollout } from '@hanoi/core';
import { PostgresBackend } from '@hanoi/postgres';
import type { Pool } from 'pg';
import { eventually, quietLogger, usePostgres } from './postgres-fixture';
import { defineOneRequestFeatures } from '../support/one-request-features';

// With lookupUsers, listed users, segment members and deny lists stay in
// PostgreSQL: a request asks for all of them in one statement. Counted on
// the pool the store is handed: every statement it sends goes through
// `query` (one statement) or `connect` (a borrowed connection).
const pg = usePostgres();

/** `pool` with its statements and borrowed connections counted; `fault.query` makes its `query` reject. */
function counted(pool: Pool): { pool: Pool; sent: { query: number; connect: number }; fault: { query: boolean } } {
  const sent = { query: 0, connect: 0 };
  const fault = { query: false };
  const proxy = new Proxy(pool, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (key !== 'query' && key !== 'connect') {
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      }
      return (...args: unknown[]) => {
        sent[key]++;
        if (key === 'query' && fault.query) return Promise.reject(new Error('lookup lost'));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { pool: proxy, sent, fault };
}

it('a request with 3 features, 2 segments, deny lists and two units (id, companyId) costs one statement', async () => {
  const schema = await pg.schema();
  const options = { schema, lookupUsers: true, logger: quietLogger(), resyncIntervalMs: 600_000 };
  const writer = new Rollout(new PostgresBackend(pg.pool(), options));
  const { pool, sent } = counted(pg.pool());
  const backend = new PostgresBackend(pool, options);
  const reader = new Rollout(backend);
  try {
    await Promise.all([writer.ready(), reader.ready()]);
    await defineOneRequestFeatures(writer);
    await eventually(() => backend.store.isConnected() && reader.peek('testing')?.targeting?.deniedInStore === true);
    // No process holds the deny lists: only their size.
    expect(reader.peek('testing')!.targeting!.denied.size).toBe(0);

    const count = async <T>(request: () => Promise<T>): Promise<[T, typeof sent]> => {
      sent.query = sent.connect = 0;
      const result = await request();
      return [result, { ...sent }];
    };
    const [first, one] = await count(() => reader.forUser({ id: 'u1', companyId: 'c1' }));
    expect(one).toEqual({ query: 1, connect: 0 });
    // By SPEC: c1 is in big-customers and not denied; u1 is listed on `listed`, in testers and not denied.
    expect(['company-beta', 'listed', 'testing'].map((name) => first.isEnabled(name))).toEqual([true, true, true]);

    const [second, two] = await count(() => reader.forUser({ id: 'u9', companyId: 'c2' }));
    expect(two).toEqual({ query: 1, connect: 0 });
    // c2 and u9 are denied, whatever their segments say; u9 is not listed.
    expect(['company-beta', 'listed', 'testing'].map((name) => second.explain(name).reason)).toEqual([
      'denied',
      'bucket',
      'denied',
    ]);

    const [alone, three] = await count(() => reader.isEnabled('company-beta', { id: 'u3', companyId: 'c1' }));
    expect([alone, three]).toEqual([true, { query: 1, connect: 0 }]);
  } finally {
    await writer.close();
    await reader.close();
  }
});

it('when the lookup fails, a unit counts as denied and in no segment, inverted or not (a guard that cannot decide denies)', async () => {
  const schema = await pg.schema();
  const logger = quietLogger();
  const { pool, fault } = counted(pg.pool());
  const backend = new PostgresBackend(pool, { schema, lookupUsers: true, logger, resyncIntervalMs: 600_000 });
  const rollout = new Rollout(backend, { logger });
  try {
    await rollout.ready();
    await rollout.defineSegment('testers', { users: ['u1'] });
    const segment = (inverted: boolean) => ({ operator: 'IN_SEGMENT' as const, values: ['testers'], inverted });
    await rollout.addFunc('open', { percentage: 100 });
    await rollout.deny('open', 'u2');
    await rollout.addFunc('not-testers', { rules: [{ constraints: [segment(true)] }] });
    await rollout.addFunc('testers-only', { rules: [{ constraints: [segment(false)] }] });
    await eventually(() => backend.store.isConnected());
    expect(await rollout.isEnabled('open', 'u3')).toBe(true);
    expect(await rollout.isEnabled('not-testers', 'u3')).toBe(true);
    expect(await rollout.isEnabled('testers-only', 'u1')).toBe(true);
    // The fault: the store cannot answer lookups.
    fault.query = true;
    expect(await rollout.isEnabled('open', 'u3')).toBe(false);
    expect(await rollout.isEnabled('not-testers', 'u3')).toBe(false);
    expect(await rollout.isEnabled('testers-only', 'u1')).toBe(false);
    const features = await rollout.forUser('u3');
    expect([features.isEnabled('open'), features.isEnabled('not-testers')]).toEqual([false, false]);
    expect(logger.messages.join('\n')).toContain('Looking users up failed');
  } finally {
    await rollout.close();
  }
});

it('maxPendingLookups bounds the lookups waiting for the database; the rest answer "not listed" at once', async () => {
  expect(() => new PostgresBackend(pg.pool(), { maxPendingLookups: 0 })).toThrow(TypeError);
  const schema = await pg.schema();
  const options = { schema, lookupUsers: true, logger: quietLogger(), resyncIntervalMs: 600_000 };
  const writer = new Rollout(new PostgresBackend(pg.pool(), options));
  const real = pg.pool();
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const hold = { on: false, sent: 0 };
  // The fault: while `hold.on`, a statement waits until released (a database that stops answering).
  const pool = new Proxy(real, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      if (key !== 'query') return (value as (...a: unknown[]) => unknown).bind(target);
      return async (...args: unknown[]) => {
        if (hold.on) {
          hold.sent++;
          await held;
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const backend = new PostgresBackend(pool, { ...options, maxPendingLookups: 3, lookupTimeoutMs: 60_000 });
  const reader = new Rollout(backend, { logger: quietLogger() });
  try {
    await Promise.all([writer.ready(), reader.ready()]);
    await writer.addFunc('listed', { percentage: 0 });
    await writer.register('listed', ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8']);
    await eventually(() => backend.store.isConnected() && reader.peek('listed')?.hasUsers === true);
    hold.on = true;
    const answers = Array.from({ length: 8 }, (_, i) => reader.isEnabled('listed', `u${i + 1}`));
    // Five of the eight find 3 lookups waiting: they fail closed at once, without a statement.
    const settled = await Promise.race([Promise.allSettled(answers.slice(3)), new Promise((r) => setTimeout(r, 5000))]);
    expect(settled).toEqual(Array.from({ length: 5 }, () => ({ status: 'fulfilled', value: false })));
    expect(hold.sent).toBe(3);
    release();
    expect(await Promise.all(answers.slice(0, 3))).toEqual([true, true, true]);
  } finally {
    release();
    await backend.close();
    await writer.backend.close();
  }
});

it('while only the listening connection is down, lookups still go through the pool: a listed user is let in', async () => {
  const schema = await pg.schema();
  const name = `reader ${schema}`;
  // No heartbeat in the test's time: the listening connection's last statement stays its LISTEN.
  const options = { schema, lookupUsers: true, resyncIntervalMs: 600_000, heartbeatMs: 600_000 };
  const writer = new Rollout(new PostgresBackend(pg.pool(), { ...options, logger: quietLogger() }));
  const backend = new PostgresBackend(pg.pool({ application_name: name }), { ...options, logger: quietLogger() });
  const reader = new Rollout(backend, { logger: quietLogger() });
  const admin = pg.pool();
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  let killing = true;
  let killer = Promise.resolve();
  try {
    await Promise.all([writer.ready(), reader.ready()]);
    await writer.addFunc('listed', { percentage: 0 });
    await writer.register('listed', 'alice');
    await eventually(() => backend.store.isConnected() && reader.peek('listed')?.hasUsers === true);
    // The fault: the reader's LISTEN connection, and only it, is terminated each time it is back.
    killer = (async () => {
      while (killing) {
        await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN %'`,
          [name],
        );
        await sleep(5);
      }
    })();
    // Answers given while the feed was down from before the lookups to after them.
    const answers: [boolean, boolean][] = [];
    const until = Date.now() + 20_000;
    while (answers.length < 5 && Date.now() < until) {
      if (backend.store.isConnected()) {
        await sleep(2);
        continue;
      }
      const pair: [boolean, boolean] = [
        await reader.isEnabled('listed', 'alice'),
        await reader.isEnabled('listed', 'bob'),
      ];
      if (!backend.store.isConnected()) answers.push(pair);
    }
    killing = false;
    await killer;
    // By SPEC: alice is listed (percentage 0: only listed users); bob is not.
    expect(answers).toEqual(Array.from({ length: 5 }, () => [true, false]));
    await eventually(() => backend.store.isConnected(), 10_000);
  } finally {
    killing = false;
    await killer;
    await writer.close();
    await reader.close();
  }
});
