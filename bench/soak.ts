/**
 * Soak: SOAK_SECONDS (default 60, at most 600) of HTTP load against an Express
 * app on a Redis backend, with a flag change every second from a second
 * connection. Reports heap and RSS growth, request counts, and a census of
 * handles, timers, client listeners and Redis connections before the app,
 * under load, after `rollout.close()` and after the app's clients quit.
 *
 *   cd bench && node --expose-gc --import tsx soak.ts    # SOAK_SECONDS=10 SOAK_BACKENDS=RedisBackend
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { Agent, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Rollout } from '@hanoi/core';
import { features } from '@hanoi/express';
import { RedisBackend, RedisHighPerfBackend } from '@hanoi/redis';
import express from 'express';
import { Redis } from 'ioredis';
import { startRedis } from '../test/support/redis-server';
import { machineLine, markdownTable } from './lib';
import { census, censusRows, leaks, memory, type Census } from './soak-probe';

const SECONDS = Math.min(600, Math.max(5, Number(process.env.SOAK_SECONDS ?? 60)));
const LOOPS = Math.min(64, Math.max(1, Number(process.env.SOAK_LOOPS ?? 16)));
const BOUND_MS = 2000;
const BACKENDS = (process.env.SOAK_BACKENDS ?? 'RedisHighPerfBackend,RedisBackend').split(',');
const quiet = { warn: () => {}, error: () => {} };
const right = (title: string) => ({ title, align: 'right' as const });

/** Constant-memory load: counts and a latency histogram in 1 ms steps. */
async function load(url: string, seconds: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: LOOPS });
  const histogram = new Uint32Array(BOUND_MS + 1);
  const counts = { ok: 0, notOk: 0, failed: 0 };
  const end = Date.now() + seconds * 1000;
  const one = (user: number) =>
    new Promise<void>((resolve) => {
      const start = Date.now();
      const done = (status: number) => {
        clearTimeout(timer);
        if (status === 200) counts.ok++;
        else if (status === 0) counts.failed++;
        else counts.notOk++;
        histogram[Math.min(BOUND_MS, Date.now() - start)]!++;
        resolve();
      };
      const req = request(`${url}/?u=u-${user}`, { agent }, (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
      });
      const timer = setTimeout(() => req.destroy(new Error('bound')), BOUND_MS);
      req.on('error', () => done(0));
      req.end();
    });
  await Promise.all(
    Array.from({ length: LOOPS }, async (_, loop) => {
      for (let n = 0; Date.now() < end && n < 1_000_000; n++) await one((loop * 7919 + n * 31) % 1000);
    }),
  );
  agent.destroy();
  const total = counts.ok + counts.notOk + counts.failed;
  const quantile = (q: number) => {
    let seen = 0;
    for (let ms = 0; ms <= BOUND_MS; ms++) if ((seen += histogram[ms]!) >= q * total) return ms;
    return BOUND_MS;
  };
  return {
    ...counts,
    total,
    perSecond: total / seconds,
    p50: quantile(0.5),
    p99: quantile(0.99),
    max: histogram.findLastIndex((n) => n > 0),
  };
}

async function soak(kind: string, url: string, admin: Redis) {
  const Backend = kind === 'RedisBackend' ? RedisBackend : RedisHighPerfBackend;
  const censuses: Census[] = [await census('before the app', admin)];
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  const writerClient = new Redis(url, { maxRetriesPerRequest: 1 });
  const before = await census('clients open, no backend', admin, client);
  censuses.push(before);
  const prefix = `soak-${kind}`;
  const rollout = new Rollout(new Backend(client, { prefix, logger: quiet }), { logger: quiet });
  const writer = new Rollout(new Backend(writerClient, { prefix, logger: quiet }), { logger: quiet });
  await Promise.all([rollout.ready(), writer.ready()]);
  await writer.addFunc('checkout', { percentage: 10 });
  await writer.addFunc('new_search', { percentage: 100 });
  await writer.addFunc('beta', { percentage: 0 });
  await writer.register(
    'beta',
    Array.from({ length: 100 }, (_, i) => `u-${i * 3}`),
  );
  await writer.addFunc('cdc_on', { percentage: 100, variants: ['a', 'b'] });

  const app = express();
  app.use(features({ rollout, user: (req) => (typeof req.query.u === 'string' ? req.query.u : undefined) }));
  app.get('/', async (req, res) => {
    const f = req.features;
    res.json([
      f.isEnabled('checkout'),
      f.isEnabled('new_search'),
      f.isEnabled('beta'),
      f.variant('cdc_on'),
      await rollout.isEnabled('checkout'),
    ]);
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let changes = 0;
  let failedChanges = 0;
  let lastPct = 10;
  const changer = setInterval(() => {
    const k = changes++;
    const change = [
      () => writer.setPercentage('checkout', (lastPct = (k * 7) % 101)),
      () => writer.toggle('new_search'),
      () => writer.register('beta', `u-${k % 1000}`),
      () => writer.unregister('beta', `u-${(k - 2) % 1000}`),
      () => writer.setVariants('cdc_on', k % 2 ? ['a', 'b'] : ['a', 'b', 'c']),
    ][k % 5]!;
    change().catch(() => failedChanges++);
  }, 1000);

  const warm = Math.min(10, Math.floor(SECONDS / 4));
  await load(appUrl, warm);
  const start = memory();
  const result = await load(appUrl, SECONDS - warm);
  clearInterval(changer);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const end = memory();
  const synced = rollout.peek('checkout')?.percentage === lastPct;
  censuses.push(await census('under load (all open)', admin, client));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rollout.close();
  await writer.close();
  const afterClose = await census('after rollout.close()', admin, client);
  censuses.push(afterClose);
  await client.quit();
  await writerClient.quit();
  censuses.push(await census('after the clients quit', admin));
  return {
    kind,
    result,
    start,
    end,
    changes,
    failedChanges,
    synced,
    censuses,
    leaked: leaks(before, afterClose),
    leakedAtEnd: leaks(censuses[0]!, censuses.at(-1)!),
  };
}

async function main(): Promise<void> {
  if (!(globalThis as { gc?: unknown }).gc) console.warn('Run with --expose-gc for heap figures after a full GC.');
  delete process.env.REDIS_URL;
  const redis = await startRedis({ persist: false });
  const admin = new Redis(redis.url);
  const runs = [];
  try {
    for (const kind of BACKENDS) runs.push(await soak(kind.trim(), redis.url, admin));
  } finally {
    admin.disconnect();
    await redis.stop();
  }
  console.log(`${machineLine()}; ${SECONDS} s per backend, ${LOOPS} concurrent loops, one flag change per second.\n`);
  console.log(
    markdownTable(
      [
        { title: 'backend' },
        right('requests'),
        right('req/s'),
        right('non-200'),
        right('failed'),
        right('p50 ms'),
        right('p99 ms'),
        right('max ms'),
        right('changes'),
        right('heap MiB start→end'),
        right('RSS MiB start→end'),
        right('final state seen'),
      ],
      runs.map(({ kind, result: r, start, end, changes, failedChanges, synced }) => [
        kind,
        String(r.total),
        r.perSecond.toFixed(0),
        String(r.notOk),
        String(r.failed),
        String(r.p50),
        String(r.p99),
        String(r.max),
        `${changes - failedChanges}/${changes}`,
        `${start.heapMiB.toFixed(1)}→${end.heapMiB.toFixed(1)}`,
        `${start.rssMiB.toFixed(0)}→${end.rssMiB.toFixed(0)}`,
        synced ? 'yes' : 'NO',
      ]),
    ),
  );
  for (const run of runs) {
    const { columns, rows } = censusRows(run.censuses);
    console.log(
      `\n${run.kind}: left open by rollout.close(): ${run.leaked.join(', ') || 'nothing'}; by the end: ${run.leakedAtEnd.join(', ') || 'nothing'}\n`,
    );
    console.log(
      markdownTable(
        columns.map((title, i) => (i === 0 ? { title } : right(title))),
        rows,
      ),
    );
  }
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(
    new URL(`./results/soak-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, import.meta.url),
    JSON.stringify(runs, null, 2),
  );
}

await main();
