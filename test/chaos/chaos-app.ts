import Router from '@koa/router';
import { FeatureDisabledError, FeatureNotFoundError, type Rollout, type UserFeatures } from '@hanoi/core';
import { features, requireFeature } from '@hanoi/express';
import { features as kfeatures, requireFeature as krequireFeature } from '@hanoi/koa';
import type { NextFunction, Request, Response } from 'express';
import type { RequestListener } from 'node:http';
import { EXPRESS_VERSIONS, independentBucket, KOA_VERSIONS } from '../support/http-frameworks';

/** The users the load cycles through: `u-*` by bucket and list, `p-*` by pattern. */
export const USERS = [
  ...Array.from({ length: 30 }, (_, i) => `u-${i}`),
  ...Array.from({ length: 10 }, (_, i) => `p-${i}`),
];
/** The users listed for `beta`. */
export const LISTED = new Set(USERS.filter((_, i) => i % 3 === 0));
/** The percentage of `checkout`. */
export const PCT = 30;

/**
 * What `/check` answers, by role: `all` is `everyone` (100%), `pct` is
 * `checkout` (30%), `listed` is `beta` (listed users), `pattern` is
 * `staff_tools` (/^p-/), `off` is `hidden` (disabled), `late` is
 * `new_search` (added by another connection after the restart), `variant`
 * is `cdc_on`'s, `guard` is a `rollout.check('beta')` guard. The names are
 * those declared for the HTTP suites in test/support/http-register.ts.
 */
export interface CheckAnswer {
  all: boolean;
  pct: boolean;
  listed: boolean;
  pattern: boolean;
  off: boolean;
  late: boolean;
  variant: string | null;
  guard: 'ran' | 'denied';
}

/**
 * Defines the chaos test's features through `rollout`.
 *
 * @example
 * await defineFeatures(rollout);
 */
export async function defineFeatures(rollout: Rollout): Promise<void> {
  await rollout.addFunc('everyone', { percentage: 100 });
  await rollout.addFunc('checkout', { percentage: PCT });
  await rollout.addFunc('beta', { percentage: 0 });
  await rollout.register('beta', [...LISTED]);
  await rollout.addFunc('staff_tools', { percentage: 0 });
  await rollout.register('staff_tools', /^p-/);
  await rollout.addFunc('hidden', { percentage: 100, enabled: false });
  await rollout.addFunc('cdc_on', { percentage: 100, variants: ['a', 'b', 'c'] });
}

/**
 * The answers `user` must get whatever Redis does, worked out without the
 * library (the bucket from Node's zlib CRC-32, the pattern with JavaScript's
 * RegExp); `listed` is left out: it depends on whether the store answers.
 *
 * @example
 * expect(answer).toMatchObject(steadyAnswers('u-3'));
 */
export function steadyAnswers(user: string): Pick<CheckAnswer, 'all' | 'pct' | 'pattern' | 'off'> {
  return { all: true, pct: independentBucket(user) < PCT, pattern: /^p-/.test(user), off: false };
}

/** The answers `/check` gives, from the request's features and the guard's outcome. */
function answerOf(f: UserFeatures, guard: CheckAnswer['guard']): CheckAnswer {
  return {
    all: f.isEnabled('everyone'),
    pct: f.isEnabled('checkout'),
    listed: f.isEnabled('beta'),
    pattern: f.isEnabled('staff_tools'),
    off: f.isEnabled('hidden'),
    late: f.isEnabled('new_search'),
    variant: f.variant('cdc_on') ?? null,
    guard,
  };
}

/** Runs the `rollout.check('beta')` guard for `user`: 'ran', or 'denied' when it refused (off, or not known yet). */
function guardFor(rollout: Rollout): (user: string) => Promise<CheckAnswer['guard']> {
  const guarded = rollout.check('beta', 1)(async (_user: string) => 'ran' as const);
  return (user) =>
    guarded(user).catch((err: unknown) => {
      if (err instanceof FeatureDisabledError || err instanceof FeatureNotFoundError) return 'denied' as const;
      throw err;
    });
}

/** How often the handler behind `requireFeature('beta')` ran, by user. */
export type GuardedRuns = Map<string, number>;

function ran(runs: GuardedRuns | undefined, user: string | undefined): void {
  if (runs) runs.set(user ?? '(anonymous)', (runs.get(user ?? '(anonymous)') ?? 0) + 1);
}

/**
 * The app under test: a stand-in auth layer (the user in `x-chaos-user`),
 * `features()`, a route of checks and a guard, and a route behind
 * `requireFeature('beta')` (whose handler counts its runs in `runs`).
 *
 * @example
 * const app = createChaosApp(rollout);
 */
export function createChaosApp(rollout: Rollout, runs?: GuardedRuns): RequestListener {
  const express = EXPRESS_VERSIONS[1]![1];
  const app = express();
  const guard = guardFor(rollout);
  app.use((req: Request, _res: Response, next: NextFunction) => {
    const id = req.header('x-chaos-user');
    if (id) (req as { user?: { id: string } }).user = { id };
    next();
  });
  app.use(features({ rollout }));
  app.get('/check', async (req: Request, res: Response, next: NextFunction) => {
    try {
      res.json(answerOf(req.features, await guard(req.features.userId!)));
    } catch (err) {
      next(err);
    }
  });
  app.get('/beta', requireFeature('beta'), (req: Request, res: Response) => {
    ran(runs, req.features.userId);
    res.json({ beta: true });
  });
  return app;
}

/**
 * The same app on Koa (with @koa/router): the user in `x-chaos-user` as
 * `ctx.state.user`, the same `/check` and `/beta` routes.
 *
 * @example
 * const app = createChaosKoaApp(rollout);
 */
export function createChaosKoaApp(rollout: Rollout, runs?: GuardedRuns): RequestListener {
  const Koa = KOA_VERSIONS[1]![1];
  const app = new Koa();
  const guard = guardFor(rollout);
  app.silent = true; // a failed request is a 500 the test sees, not a log line
  app.use(async (ctx, next) => {
    const id = ctx.get('x-chaos-user');
    if (id) ctx.state.user = { id };
    await next();
  });
  app.use(kfeatures({ rollout }));
  const router = new Router();
  router.get('/check', async (ctx) => {
    ctx.body = answerOf(ctx.features, await guard(ctx.features.userId!));
  });
  router.get('/beta', krequireFeature('beta'), (ctx) => {
    ran(runs, ctx.features.userId);
    ctx.body = { beta: true };
  });
  app.use(router.routes());
  const handle = app.callback(); // settles by itself: Koa answers its own errors
  return (req, res) => void handle(req, res);
}
