import { Rollout, type FeatureSnapshot } from '@hanoi/core';
import { migrate, PostgresBackend, type PostgresBackendOptions } from '@hanoi/postgres';
import { Client, Pool, type ClientConfig, type PoolClient } from 'pg';
import { freePort } from '../support/redis-server';
import { startPostgres, type PostgresServer } from '../support/postgres-server';
import { eventually, quietLogger, storeOf } from './postgres-fixture';

// PostgreSQL away at start-up, lost under traffic, paused, its connections
// terminated, and back again: as the Redis failure suite, on PostgreSQL.
const run = process.env.DATABASE_URL ? describe.skip : describe;
jest.setTimeout(60_000);
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => process.off('unhandledRejection', onUnhandled));
afterEach(() => expect(unhandled).toEqual([]));

/** Settles with 'settled' when `promise` does, or 'pending' after `ms`: a bound, not a timing measurement. */
function within<T>(promise: Promise<T>, ms: number): Promise<'settled' | 'pending'> {
  return Promise.race([
    promise.then(
      () => 'settled' as const,
      () => 'settled' as const,
    ),
    new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);
}

const bootstrap: FeatureSnapshot[] = [
  { name: 'beta', enabled: true, percentage: 100, users: [], patterns: [], variants: [] },
  {
    name: 'vip',
    enabled: true,
    percentage: 0,
    users: ['alice'],
    patterns: [{ source: '^staff-', flags: '' }],
    variants: [],
  },
];

run.each([false, true])('PostgresBackend (lookupUsers: %s) when PostgreSQL fails', (lookupUsers) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const pool = (url: string, extra: object = {}): Pool => {
    const p = new Pool({ connectionString: url, max: 4, ...extra });
    p.on('error', () => {});
    cleanups.push(() => p.end().catch(() => {}));
    return p;
  };
  const make = (p: Pool, options: PostgresBackendOptions = {}) => {
    const logger = quietLogger();
    const backend = new PostgresBackend(p, {
      logger,
      lookupUsers,
      writeTimeoutMs: 1500, // the machine may be loaded: healthy writes must fit
      lookupTimeoutMs: 100,
      readyTimeoutMs: 500,
      resyncIntervalMs: 200,
      heartbeatMs: 200,
      ...options,
    });
    cleanups.push(() => backend.close());
    return { backend, logger, rollout: new Rollout(backend, { logger }) };
  };
  const server = async (port?: number): Promise<PostgresServer> => {
    const started = await startPostgres({ port });
    cleanups.push(() => started.stop());
    return started;
  };

  it('starts with the database down: ready() settles, checks answer from bootstrap, then it loads when it comes', async () => {
    const port = await freePort();
    const url = `postgres://postgres@127.0.0.1:${port}/hanoi_test`;
    const { backend, rollout } = make(pool(url), { bootstrap });
    expect(await within(backend.ready(), 3000)).toBe('settled');
    expect(await rollout.isEnabled('beta', 'anyone')).toBe(true);
    expect(await rollout.isEnabled('vip', 'alice')).toBe(true);
    expect(await rollout.isEnabled('vip', 'staff-1')).toBe(true);
    expect(await rollout.isEnabled('vip', 'bob')).toBe(false);
    const write = rollout.setPercentage('beta', 5);
    expect(await within(write, 4000)).toBe('settled');
    await expect(write).rejects.toMatchObject({ code: 'HANOI_BACKEND_UNAVAILABLE' });
    // The database arrives with other definitions: they replace the bootstrap.
    const real = await server(port);
    const writerPool = pool(real.url);
    await migrate(writerPool);
    const writer = make(writerPool, { writeTimeoutMs: 5000 }); // the healthy side: no tight bound
    await writer.backend.ready();
    await writer.rollout.addFunc('gamma', { percentage: 100 });
    await eventually(() => backend.peek('gamma') !== undefined && backend.peek('beta') === undefined, 10_000);
    expect(await rollout.isEnabled('beta', 'anyone')).toBe(false);
    expect(await rollout.getFunc('beta')).toBeUndefined(); // the refused write was never applied
  });

  it('lost under traffic: answers from the last state, writes fail within the bound and are never applied, resyncs when back', async () => {
    const pg = await server();
    const p = pool(pg.url);
    await migrate(p);
    const { backend, rollout, logger } = make(p);
    await backend.ready();
    await rollout.addFunc('beta', { percentage: 0 });
    await rollout.register('beta', ['alice']);
    await rollout.addFunc('all', { percentage: 100 });
    // Traffic through the whole outage: 20 loops of checks, each bounded, none may throw.
    let traffic = true;
    const slow: string[] = [];
    const loops = Array.from({ length: 20 }, async (_, loop) => {
      for (let n = 0; traffic && n < 100_000; n++) {
        const user = lookupUsers && n % 2 === 0 ? 'alice' : `u${loop}-${n}`;
        const startedAt = Date.now();
        const on = await rollout.isEnabled(user === 'alice' ? 'beta' : 'all', user);
        if (Date.now() - startedAt > 1000 || (user !== 'alice' && !on)) slow.push(`${user}: ${on}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    });
    cleanups.push(async () => {
      traffic = false;
      await Promise.all(loops);
    });
    await pg.kill();
    await eventually(() => !storeOf(backend).isConnected());
    for (let i = 0; i < 20; i++) {
      expect(await rollout.isEnabled('all', `u${i}`)).toBe(true);
      // Held users answer; looked-up users cannot be, and count as not listed.
      expect(await rollout.isEnabled('beta', 'alice')).toBe(!lookupUsers);
    }
    const write = rollout.setPercentage('all', 1);
    expect(await within(write, 4000)).toBe('settled');
    await expect(write).rejects.toMatchObject({ code: 'HANOI_BACKEND_UNAVAILABLE' });
    await expect(rollout.addFunc('later')).rejects.toMatchObject({ code: 'HANOI_BACKEND_UNAVAILABLE' });
    if (backend.lookupUser) {
      const lookup = backend.lookupUser('alice', ['beta']);
      expect(await within(lookup, 1000)).toBe('settled');
      await expect(lookup).rejects.toMatchObject({ code: 'HANOI_BACKEND_UNAVAILABLE' });
      // Reported once, not per lookup: a new report only after a lookup answered again in between (a killed
      // server's backends can answer on connections they already hold for a moment).
      const reports = logger.messages
        .filter((m) => /Looking users up (failed|is answering again)/.test(m))
        .map((m) => (m.includes('failed') ? 'failed' : 'back'));
      expect(reports[0]).toBe('failed');
      expect(reports[reports.length - 1]).toBe('failed');
      expect(reports.filter((report, i) => i > 0 && report === reports[i - 1])).toEqual([]);
    }
    // Back, with a change made meanwhile by another process.
    await pg.restart();
    const other = make(pool(pg.url), { writeTimeoutMs: 5000 });
    await other.backend.ready();
    await other.rollout.setPercentage('beta', 42);
    await eventually(() => backend.peek('beta')?.percentage === 42, 10_000);
    expect((await rollout.getFunc('all'))!.percentage).toBe(100);
    expect(await rollout.getFunc('later')).toBeUndefined();
    expect(await rollout.isEnabled('beta', 'alice')).toBe(true);
    traffic = false;
    await Promise.all(loops);
    expect(slow).toEqual([]);
  });

  it('a write to a paused server rejects within the bound and is not applied when it resumes', async () => {
    const pg = await server();
    const p = pool(pg.url);
    await migrate(p);
    const { backend, rollout } = make(p);
    await backend.ready();
    await rollout.addFunc('beta', { percentage: 10 });
    pg.pause();
    cleanups.push(() => pg.resume());
    const write = rollout.setPercentage('beta', 90);
    expect(await within(write, 4000)).toBe('settled');
    await expect(write).rejects.toHaveProperty(
      'code',
      expect.stringMatching(/HANOI_(BACKEND_UNAVAILABLE|WRITE_OUTCOME_UNKNOWN)/),
    );
    expect(await within(rollout.isEnabled('beta', 'anyone'), 50)).toBe('settled'); // checks go on
    pg.resume();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await rollout.getFunc('beta'))!.percentage).toBe(10);
    expect(backend.peek('beta')!.percentage).toBe(10);
  });

  it('a COMMIT held up by a paused server past its deadline is rolled back when the server resumes', async () => {
    const pg = await server();
    const p = pool(pg.url);
    await migrate(p);
    const { backend, rollout } = make(p);
    await backend.ready();
    await rollout.addFunc('beta', { percentage: 10 });
    // The fault: the server stops just as this write's COMMIT is sent, so it waits in the socket.
    type Connected = (err: Error | undefined, client: PoolClient | undefined) => void;
    const connect = p.connect.bind(p) as (callback: Connected) => void;
    const pausingAtCommit = (client: PoolClient): PoolClient => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: unknown }).query = (...args: unknown[]) => {
        if (typeof args[0] === 'string' && args[0].endsWith('COMMIT')) pg.pause();
        return query(...args);
      };
      return client;
    };
    (p as { connect: unknown }).connect = (callback: Connected) =>
      connect((err, client) => callback(err, client && pausingAtCommit(client)));
    cleanups.push(() => pg.resume());
    const write = rollout.setPercentage('beta', 90);
    expect(await within(write, 4000)).toBe('settled');
    await expect(write).rejects.toMatchObject({ code: 'HANOI_WRITE_OUTCOME_UNKNOWN' });
    (p as { connect: unknown }).connect = connect;
    pg.resume();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await rollout.getFunc('beta'))!.percentage).toBe(10);
  });

  it('a write behind a snapshot the database holds up rejects within its own timeout, and is never applied', async () => {
    const pg = await server();
    const p = pool(pg.url);
    await migrate(p);
    const seed = make(p);
    await seed.backend.ready();
    await seed.rollout.addFunc('beta', { percentage: 10 });
    // The database holds every read of the features up (as a long lock, or a server that stopped answering would).
    const locker = await pool(pg.url, { max: 1 }).connect();
    cleanups.push(() => locker.release(true));
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE hanoi.features IN ACCESS EXCLUSIVE MODE');
    // A process starting now: its first snapshot waits on the lock, for up to snapshotTimeoutMs (10 s by default).
    const { backend, rollout } = make(pool(pg.url), { readyTimeoutMs: 60_000 });
    await eventually(() => storeOf(backend).isConnected(), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the snapshot's query is sent once the feed listens
    const write = rollout.setPercentage('beta', 90);
    // writeTimeoutMs is 1500: "within" leaves room for a loaded machine, and stays far below the snapshot's 10 s.
    expect(await within(write, 5000)).toBe('settled');
    await expect(write).rejects.toMatchObject({ code: 'HANOI_BACKEND_UNAVAILABLE' });
    await locker.query('ROLLBACK');
    await eventually(() => backend.peek('beta') !== undefined, 15_000);
    expect((await seed.rollout.getFunc('beta'))!.percentage).toBe(10);
    expect(backend.peek('beta')!.percentage).toBe(10);
  });

  it('a connection terminated in the same packet that completes it: the write rejects with a code, nothing crashes', async () => {
    const pg = await server();
    await migrate(pool(pg.url));
    // The fault: the server's FATAL arrives right behind the message that completes the connection, as
    // pg_terminate_backend can make it, so pg reads both in one go, before the pool's caller gets the client.
    const crashes: unknown[] = [];
    class TerminatedAtOnce extends Client {
      constructor(config: ClientConfig) {
        super(config);
        // The pool connects with a callback.
        const connect = this.connect.bind(this) as (callback: (err: Error | null) => void) => void;
        (this as { connect: unknown }).connect = (callback: (err: Error | null) => void) =>
          connect((err) => {
            callback(err);
            if (err) return;
            const fatal = Object.assign(new Error('terminating connection due to administrator command'), {
              severity: 'FATAL',
              code: '57P01',
            });
            try {
              (this as unknown as { connection: { emit(event: string, error: Error): void } }).connection.emit(
                'errorMessage',
                fatal,
              );
            } catch (crash) {
              crashes.push(crash); // an 'error' event with no listener: a crash of the process
            }
          });
      }
    }
    const p = pool(pg.url, { Client: TerminatedAtOnce });
    const { rollout } = make(p);
    await expect(rollout.addFunc('beta', { percentage: 10 })).rejects.toMatchObject({
      code: 'HANOI_BACKEND_UNAVAILABLE',
    });
    expect(crashes).toEqual([]);
    const admin = pool(pg.url);
    expect((await admin.query('SELECT name FROM hanoi.features')).rows).toEqual([]);
  });

  it('pg_terminate_backend on every connection: the feed reconnects and catches up on what it missed', async () => {
    const pg = await server();
    const p = pool(pg.url);
    await migrate(p);
    const { backend, rollout } = make(p, { resyncIntervalMs: 60_000 }); // only the reconnection can catch up
    await backend.ready();
    await rollout.addFunc('beta', { percentage: 10 });
    const admin = pool(pg.url, { max: 1 });
    const writer = make(pool(pg.url), { resyncIntervalMs: 60_000 });
    await writer.backend.ready();
    for (let round = 0; round < 3; round++) {
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = current_database()',
      );
      await writer.rollout
        .setPercentage('beta', 20 + round)
        .catch(() => writer.rollout.setPercentage('beta', 20 + round));
      await eventually(() => backend.peek('beta')?.percentage === 20 + round, 10_000);
      expect(await rollout.isEnabled('beta', 'anyone')).toBe(await writer.rollout.isEnabled('beta', 'anyone'));
    }
  });
});
