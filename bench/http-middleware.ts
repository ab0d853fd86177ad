/**
 * What the middleware costs per request, in process and without HTTP, on the
 * CPU clock (steadier than requests per second on a shared machine): the
 * context alone (one AsyncLocalStorage run), features() on its fast path, and
 * features() with three checks, for Express and Koa, against a bare
 * `next()`. Adds up what http-bench.ts measures end to end. An Express
 * request here is what Express hands a middleware: an object whose
 * prototype was swapped for the app's request (`Object.setPrototypeOf` in
 * `app.handle`), after which V8 gives every property added to it a hidden
 * class of its own, about 0.5-1.5 µs each (`req.features` is one of them);
 * a plain object would leave that out.
 *
 *   pnpm build && cd bench && pnpm http:middleware
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { MemoryBackend, Rollout } from '@hanoi/core';
import * as hanoiExpress from '@hanoi/express';
import * as hanoiKoa from '@hanoi/koa';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Context } from 'koa';
import { formatNs, machineLine, markdownTable, roundsFromEnv, runRounds, type BenchCase } from './lib/index';

const rollout = new Rollout(new MemoryBackend());
await rollout.addFunc('new_search', { percentage: 50 });
await rollout.addFunc('beta_dashboard', { percentage: 0 });
await rollout.register(
  'beta_dashboard',
  Array.from({ length: 100 }, (_, i) => `u-${i * 7}`),
);
await rollout.addFunc('checkout', { percentage: 100, variants: ['a', 'b', 'c'] });
const USERS = Array.from({ length: 1000 }, (_, i) => `u-${i}`);

const storage = new AsyncLocalStorage<{ id: string }>();
// Every case pays the process-wide async-hook cost that a first run switches on (Node 20).
storage.run({ id: 'warm' }, () => undefined);

const koaMw = hanoiKoa.features({ rollout, user: (ctx) => (ctx as unknown as { uid: string }).uid });
const expressMw = hanoiExpress.features({ rollout, user: (req) => (req as unknown as { uid: string }).uid });
const res = {} as Response;
const appRequest = express().request;
/** A request as Express passes it on: its own fields, then its prototype swapped for the app's request. */
const expressRequest = (uid: string): Request =>
  Object.setPrototypeOf({ uid, method: 'GET', url: '/', headers: {} }, appRequest) as Request;
const checks3 = (f: { isEnabled(n: string): boolean; variant(n: string): string | undefined }) =>
  Number(f.isEnabled('new_search')) + Number(f.isEnabled('beta_dashboard')) + (f.variant('checkout') ? 1 : 0);

const ITER = 50_000;
const cases: BenchCase[] = [
  {
    name: 'koa: await next()',
    iterations: ITER,
    async run(n) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += await Promise.resolve(1);
      return sum;
    },
  },
  {
    name: 'koa: context only (one ALS run)',
    iterations: ITER,
    async run(n) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += await storage.run({ id: USERS[i % 1000]! }, () => Promise.resolve(1));
      return sum;
    },
  },
  {
    name: 'koa: features()',
    iterations: ITER,
    async run(n) {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const ctx = { uid: USERS[i % 1000], state: {} } as unknown as Context;
        await koaMw(ctx, () => Promise.resolve(1));
        sum += ctx.features.userId ? 1 : 0;
      }
      return sum;
    },
  },
  {
    name: 'koa: features() + 3 checks',
    iterations: ITER,
    async run(n) {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const ctx = { uid: USERS[i % 1000], state: {} } as unknown as Context;
        await koaMw(ctx, () => Promise.resolve((sum += checks3(ctx.features))));
      }
      return sum;
    },
  },
  {
    name: 'express: next()',
    iterations: ITER,
    run(n) {
      let sum = 0;
      const next = (req: Request) => void (sum += req.method.length);
      for (let i = 0; i < n; i++) next(expressRequest(USERS[i % 1000]!));
      return sum;
    },
  },
  {
    name: 'express: context only (one ALS run)',
    iterations: ITER,
    run(n) {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const req = expressRequest(USERS[i % 1000]!);
        storage.run({ id: (req as unknown as { uid: string }).uid }, () => void (sum += req.method.length));
      }
      return sum;
    },
  },
  {
    name: 'express: features()',
    iterations: ITER,
    run(n) {
      let sum = 0;
      const next = (() => void (sum += 1)) as NextFunction;
      for (let i = 0; i < n; i++) expressMw(expressRequest(USERS[i % 1000]!), res, next);
      return sum;
    },
  },
  {
    name: 'express: features() + 3 checks',
    iterations: ITER,
    run(n) {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const req = expressRequest(USERS[i % 1000]!);
        expressMw(req, res, (() => void (sum += checks3(req.features))) as NextFunction);
      }
      return sum;
    },
  },
];

console.log(machineLine());
const results = await runRounds(cases, roundsFromEnv({ clock: 'cpu', rounds: 7 }));
const base = (name: string) =>
  results.find((r) => r.name === (name.startsWith('koa') ? 'koa: await next()' : 'express: next()'))!.medianNs;
console.log(
  markdownTable(
    [
      { title: 'per request' },
      { title: 'CPU ns', align: 'right' },
      { title: 'ns over bare next()', align: 'right' },
      { title: 'spread', align: 'right' },
    ],
    results.map((r) => [
      r.name,
      formatNs(r.medianNs),
      `+${formatNs(Math.max(0, r.medianNs - base(r.name)))}`,
      `${(r.spread * 100).toFixed(0)}%`,
    ]),
  ),
);
