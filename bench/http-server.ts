/**
 * One app for the HTTP benchmark, in its own process: `express` or `koa`, and
 * a mode: `bare` (hello world), `noop` (bare plus a middleware that only
 * calls next(): what any middleware costs), `context` (that middleware
 * running the rest of the request in an AsyncLocalStorage context: what any
 * request-scoped context costs), `features` (bare plus
 * features(), no check) or `hanoi` (features() and three checks per request).
 * Listens on 127.0.0.1, prints `PORT <n>`, runs until SIGTERM.
 * On SIGUSR2 it prints `CPU <µs>`, the CPU time it has used so far: CPU per
 * request holds up better than requests per second on a shared machine.
 *
 *   node --import tsx http-server.ts express hanoi
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { MemoryBackend, Rollout } from '@hanoi/core';
import * as hanoiExpress from '@hanoi/express';
import * as hanoiKoa from '@hanoi/koa';
import express from 'express';
import Koa from 'koa';

const MODES = ['bare', 'noop', 'context', 'features', 'hanoi'] as const;
const [framework, mode] = process.argv.slice(2) as [string, (typeof MODES)[number]];
if ((framework !== 'express' && framework !== 'koa') || !MODES.includes(mode)) {
  throw new TypeError(`usage: http-server.ts <express|koa> <${MODES.join('|')}>`);
}
const storage = new AsyncLocalStorage<{ id: string | undefined }>();
const HELLO = 'Hello, world!';

/**
 * Three features, three kinds of check: a percentage, listed users, a variant.
 * (Names from the examples: `pnpm typecheck` sees the names test/support/http-register.ts declares.)
 */
async function benchRollout(): Promise<Rollout> {
  const rollout = new Rollout(new MemoryBackend());
  await rollout.addFunc('new_search', { percentage: 50 });
  await rollout.addFunc('beta_dashboard', { percentage: 0 });
  await rollout.register(
    'beta_dashboard',
    Array.from({ length: 100 }, (_, i) => `u-${i * 7}`),
  );
  await rollout.addFunc('checkout', { percentage: 100, variants: ['a', 'b', 'c'] });
  return rollout;
}

async function expressApp(): Promise<express.Express> {
  const app = express();
  app.disable('etag');
  if (mode === 'noop') app.use((_req, _res, next) => next());
  if (mode === 'context') app.use((req, _res, next) => storage.run({ id: req.header('x-user-id') }, next));
  if (mode === 'bare' || mode === 'noop' || mode === 'context') {
    app.get('/', (_req, res) => void res.send(HELLO));
    return app;
  }
  const rollout = await benchRollout();
  app.use(hanoiExpress.features({ rollout, user: (req) => req.header('x-user-id') }));
  if (mode === 'features') app.get('/', (_req, res) => void res.send(HELLO));
  app.get('/', (req, res) => {
    const checks = [
      req.features.isEnabled('new_search'),
      req.features.isEnabled('beta_dashboard'),
      req.features.variant('checkout'),
    ];
    if (checks.length !== 3) throw new Error('unreachable');
    res.send(HELLO);
  });
  return app;
}

async function koaApp(): Promise<Koa> {
  const app = new Koa();
  if (mode === 'noop') app.use((_ctx, next) => next());
  if (mode === 'context') app.use((ctx, next) => storage.run({ id: ctx.get('x-user-id') }, next));
  if (mode === 'bare' || mode === 'noop' || mode === 'context') {
    app.use((ctx) => {
      ctx.body = HELLO;
    });
    return app;
  }
  const rollout = await benchRollout();
  app.use(hanoiKoa.features({ rollout, user: (ctx) => ctx.get('x-user-id') || undefined }));
  if (mode === 'features')
    app.use((ctx) => {
      ctx.body = HELLO;
    });
  app.use((ctx) => {
    const checks = [
      ctx.features.isEnabled('new_search'),
      ctx.features.isEnabled('beta_dashboard'),
      ctx.features.variant('checkout'),
    ];
    if (checks.length !== 3) throw new Error('unreachable');
    ctx.body = HELLO;
  });
  return app;
}

const server: Server =
  framework === 'express' ? (await expressApp()).listen(0, '127.0.0.1') : (await koaApp()).listen(0, '127.0.0.1');
server.on('listening', () => {
  process.stdout.write(`PORT ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGUSR2', () => {
  const { user, system } = process.cpuUsage();
  process.stdout.write(`CPU ${user + system}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
