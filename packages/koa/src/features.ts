import type { FeatureName, UserFeatures } from '@hanoi/core';
import type { Context, Middleware, Next } from 'koa';
import { parseFeaturesOptions } from './options';
import type { FeaturesOptions } from './types';

/**
 * Middleware that finds the request's user, works out their features (at
 * most one round trip to the store), hangs them on `ctx.features` (and
 * `ctx.state.features`) and runs the rest of the request with that user
 * current: `rollout.isEnabled(name)` called without a user anywhere under the
 * request answers for them, from the same answers. Errors (a throwing
 * resolver, say) reject into Koa's error flow.
 *
 * @example
 * app.use(features({ rollout, user: (ctx) => ctx.state.user?.id }));
 * router.get('/', (ctx) => { ctx.body = { beta: ctx.features.isEnabled('beta') }; });
 */
export function features(options: FeaturesOptions): Middleware {
  const { rollout, user, toId } = parseFeaturesOptions(options, 'features');
  function attach(ctx: Context, answers: UserFeatures<string>, next: Next): Promise<unknown> {
    ctx.features = answers as UserFeatures<FeatureName>;
    ctx.state.features = ctx.features;
    return rollout.withFeatures(answers, next);
  }

  return function hanoiFeatures(ctx: Context, next: Next): Promise<unknown> {
    // A throw here becomes a rejection: koa-compose calls middleware inside a try.
    const raw = user(ctx);
    // Fast path: a sync resolver and answers that need no store round trip
    // (always so in memory) cost no promise of ours and no extra turn of the event loop.
    const now = isThenable(raw) ? undefined : rollout.forUserNow(toId(raw));
    if (now) return attach(ctx, now, next);
    return Promise.resolve(raw)
      .then((id) => rollout.forUser(toId(id)))
      .then((answers) => attach(ctx, answers, next));
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
