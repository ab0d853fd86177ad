import { Rollout, type FeatureStore, type StoreBackend } from '@hanoi/core';
import { migrate, PostgresBackend } from '@hanoi/postgres';
import { RedisHighPerfBackend } from '@hanoi/redis';
import Redis from 'ioredis';
import { Pool, type PoolClient } from 'pg';
import { ADMIN_FRAMEWORKS, startAdminApp, type AdminApp } from '../support/admin-apps';
import { startPostgres, uniqueSchema, type PostgresServer } from '../support/postgres-server';
import { startRedis, uniquePrefix, type RedisServer } from '../support/redis-server';
import { openMonitor } from '../support/redis-monitor';

// Lists the process does not hold (RedisHighPerfBackend, PostgreSQL with
// lookupUsers) are paged by the store: listed users, a deny list and a
// segment's units, each read a page at a time with next/previous links and
// searched in the store, never read whole.

const USERS = Array.from({ length: 130 }, (_, i) => `m-${String(i).padStart(3, '0')}`);
const DENIED = Array.from({ length: 60 }, (_, i) => `d-${String(i).padStart(2, '0')}`);
const UNITS = Array.from({ length: 70 }, (_, i) => `org-${i}`);
const sorted = (ids: readonly string[]) => [...ids].sort();

/** What each store gives the tests: the rollout, and what the store was asked that returns a whole list. */
interface Kind {
  rollout: Rollout;
  /** Starts recording; returns what whole-list reads the store was asked since (described in words). */
  watchWholeReads(): Promise<() => Promise<string[]>>;
  stop(): Promise<void>;
}

const quiet = { warn: () => {}, error: () => {} };

/** The read of a whole entry with its users: what the admin page must not ask for on these stores. */
function spyOnWholeReads(store: FeatureStore, found: string[]): void {
  const read = store.read.bind(store);
  store.read = (name, withUsers) => {
    if (withUsers) found.push(`read(${name}, with users)`);
    return read(name, withUsers);
  };
}

async function redisKind(): Promise<Kind> {
  const server: RedisServer = await startRedis({ persist: false });
  const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
  const backend = new RedisHighPerfBackend(client, { prefix: uniquePrefix('admin'), logger: quiet });
  const rollout = new Rollout(backend, { logger: quiet });
  await rollout.ready();
  const found: string[] = [];
  spyOnWholeReads(backend.store, found);
  return {
    rollout,
    async watchWholeReads() {
      found.length = 0;
      // Every command Redis runs, those of scripts included: SMEMBERS (or SORT) of a user or deny set reads it whole.
      const connection = new Redis(server.url);
      const commands: string[][] = [];
      const { monitor, check } = await openMonitor(connection, (args) => void commands.push(args));
      connection.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 50));
      return async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        monitor.disconnect();
        check();
        const whole = commands
          .filter(([command]) => /^(smembers|sort|sort_ro|sunion|sinter|sdiff)$/i.test(command!))
          .filter(([, key]) => /:[ud]:/.test(key ?? ''))
          .map((args) => args.join(' '));
        return [...found, ...whole];
      };
    },
    async stop() {
      await rollout.close();
      client.disconnect();
      await server.stop();
    },
  };
}

async function postgresKind(): Promise<Kind> {
  const server: PostgresServer = await startPostgres();
  const pool = new Pool({ connectionString: server.url, max: 4 });
  pool.on('error', () => {});
  const schema = uniqueSchema();
  await migrate(pool, { schema });
  const backend = new PostgresBackend(pool, { schema, lookupUsers: true, logger: quiet });
  const rollout = new Rollout(backend, { logger: quiet });
  await rollout.ready();
  const found: string[] = [];
  spyOnWholeReads((backend as StoreBackend).store, found);
  // Every statement a borrowed connection runs: one that aggregates a list, or reads it without a LIMIT, reads it whole.
  let recording = false;
  const statements: string[] = [];
  const patched = new WeakSet<PoolClient>();
  pool.on('acquire', (client) => {
    if (patched.has(client)) return;
    patched.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string })?.text ?? '');
      const values = Array.isArray(args[1]) ? (args[1] as unknown[]) : [];
      if (recording) statements.push(`${text} -- ${JSON.stringify(values)}`);
      return query(...args);
    };
  });
  return {
    rollout,
    async watchWholeReads() {
      found.length = 0;
      statements.length = 0;
      recording = true;
      return async () => {
        recording = false;
        const whole = statements.filter((sql) => {
          const listTable = /"(users|denied)"/.test(sql);
          const aggregates = /array_agg\((u\.user_id|d\.unit)\)/.test(sql) && /-- \[true/.test(sql);
          const unbounded = listTable && /SELECT (user_id|unit)\b/.test(sql) && !/LIMIT/.test(sql);
          return aggregates || unbounded;
        });
        return [...found, ...whole];
      };
    },
    async stop() {
      await rollout.close();
      await pool.end();
      await server.stop();
    },
  };
}

const decode = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The section of list `key` in a page: its ids, summary paragraph, and its next/previous links. */
function listIn(page: string, key: string): { ids: string[]; text: string; next?: string; prev?: string } {
  const start = page.indexOf(`<section aria-labelledby="${key}-heading">`);
  expect(start).toBeGreaterThanOrEqual(0);
  const section = page.slice(start, page.indexOf('</section>', start));
  const ids = [...section.matchAll(/<li>\s*<code>([^<]*)<\/code>/g)].map((m) => decode(m[1]!));
  const link = (rel: string) => {
    const found = new RegExp(`<a href="([^"]*)" rel="${rel}">`).exec(section);
    return found ? decode(found[1]!) : undefined;
  };
  return { ids, text: section.replace(/\s+/g, ' '), next: link('next'), prev: link('prev') };
}

for (const [store, start] of [
  ['RedisHighPerfBackend', redisKind],
  ['PostgreSQL with lookupUsers', postgresKind],
] as const) {
  describe(`the admin page pages lists kept in ${store}`, () => {
    let kind: Kind;
    const apps: [string, AdminApp][] = [];
    beforeAll(async () => {
      kind = await start();
      const { rollout } = kind;
      await rollout.addFunc('big', { percentage: 0 });
      await rollout.register('big', USERS);
      await rollout.deny('big', DENIED);
      await rollout.defineSegment('crowd', { users: UNITS });
      const express = ADMIN_FRAMEWORKS.find(([name]) => name.startsWith('Express'))!;
      const koa = ADMIN_FRAMEWORKS.find(([name]) => name.startsWith('Koa'))!;
      for (const [name, maker] of [express, koa]) apps.push([name, await startAdminApp(maker, {}, rollout)]);
    }, 60_000);
    afterAll(async () => {
      for (const [, app] of apps) await app.close();
      await kind?.stop();
    }, 30_000);

    /** Every page of list `key`, from `path`, following "Next page": the ids of each page. */
    async function walk(app: AdminApp, path: string, key: string): Promise<string[][]> {
      const pages: string[][] = [];
      let at: string | undefined = path;
      while (at !== undefined) {
        if (pages.length > 20) throw new Error('the pages never end');
        const res = await app.agent.get(at).set('x-user-id', 'staff-1').expect(200);
        const list = listIn(res.text, key);
        pages.push(list.ids);
        at = list.next;
      }
      return pages;
    }

    for (const framework of ['Express', 'Koa']) {
      const app = () => apps.find(([name]) => name.startsWith(framework))![1];
      const get = async (path: string) => (await app().agent.get(path).set('x-user-id', 'staff-1').expect(200)).text;

      it(`${framework}: listed users come a page of 50 at a time, each once, with the store's count`, async () => {
        const first = listIn(await get('/flags/features/big'), 'users');
        expect(first.ids).toHaveLength(50);
        expect(first.text).toContain('130 listed users');
        expect(first.text).toContain('Page 1 of 3');
        expect(first.prev).toBeUndefined();
        const pages = await walk(app(), '/flags/features/big', 'users');
        expect(pages.map((ids) => ids.length)).toEqual([50, 50, 30]);
        expect(pages.flat()).toHaveLength(130); // each id once
        expect(sorted(pages.flat())).toEqual(USERS);
        // Previous from the second page is the first page again.
        const second = listIn(await get(first.next!), 'users');
        expect(second.text).toContain('Page 2 of 3');
        expect(second.prev).toBeDefined();
        expect(sorted(listIn(await get(second.prev!), 'users').ids)).toEqual(sorted(first.ids));
      });

      it(`${framework}: a search finds exactly the ids containing it, in the store`, async () => {
        for (const q of ['m-12', '7', 'nobody']) {
          const pages = await walk(app(), `/flags/features/big?users_q=${encodeURIComponent(q)}`, 'users');
          expect(sorted(pages.flat())).toEqual(USERS.filter((id) => id.includes(q)));
        }
        // A search longer than any id finds nothing, and the page still renders.
        expect(listIn(await get(`/flags/features/big?users_q=${'x'.repeat(600)}`), 'users').ids).toEqual([]);
      });

      it(`${framework}: the deny list and a segment's units page the same way`, async () => {
        const deny = listIn(await get('/flags/features/big'), 'deny');
        expect(deny.text).toContain('60 denied ids');
        const denied = await walk(app(), '/flags/features/big', 'deny');
        expect(denied.map((ids) => ids.length)).toEqual([50, 10]);
        expect(sorted(denied.flat())).toEqual(DENIED);
        expect(sorted((await walk(app(), '/flags/features/big?deny_q=d-5', 'deny')).flat())).toEqual(
          DENIED.filter((id) => id.includes('d-5')),
        );
        const segment = listIn(await get('/flags/segments/crowd'), 'units');
        expect(segment.text).toContain('70 listed units');
        const units = await walk(app(), '/flags/segments/crowd', 'units');
        expect(units.map((ids) => ids.length)).toEqual([50, 20]);
        expect(sorted(units.flat())).toEqual(sorted(UNITS));
        expect((await get('/flags/segments')).replace(/\s+/g, ' ')).toContain('70 units');
      });

      it(`${framework}: an edited cursor never fails the page`, async () => {
        const page = listIn(await get('/flags/features/big?users_after=not%20a%20cursor&users_back=%5B%22'), 'users');
        // Redis refuses a cursor it did not make: the first page. PostgreSQL pages by id: any text is a place.
        if (store === 'RedisHighPerfBackend') expect(page.ids).toHaveLength(50);
        else expect(page.ids).toEqual(USERS.filter((id) => id > 'not a cursor').slice(0, 50));
      });
    }

    it('no page view reads a whole list from the store', async () => {
      const [, app] = apps[0]!;
      const get = (path: string) => app.agent.get(path).set('x-user-id', 'staff-1').expect(200);
      const stop = await kind.watchWholeReads();
      const walked = await walk(app, '/flags/features/big', 'users');
      await walk(app, '/flags/features/big?users_q=m-1', 'users');
      await walk(app, '/flags/features/big', 'deny');
      await walk(app, '/flags/segments/crowd', 'units');
      await get('/flags/segments');
      await get('/flags/');
      const whole = await stop();
      expect(walked.flat()).toHaveLength(130); // the views did read the lists, a page at a time
      expect(whole).toEqual([]);
    });

    it('the same watch sees a whole read: getFunc reads the users whole', async () => {
      const stop = await kind.watchWholeReads();
      await kind.rollout.getFunc('big');
      expect((await stop()).length).toBeGreaterThan(0);
    });
  });
}
