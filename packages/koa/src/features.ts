import type { FeatureName, UserFeatures } from '@hanoi/core';
import { rememberNotFound } from '@hanoi/core/internal';
import type { Context, Middleware, Next } from 'koa';
import { parseFeaturesOptions } from './options';
import type { FeaturesOptions } from './types';

/**
 * Middleware that finds the request's user, works out their features (at
 * most one round trip to the store), hangs them on `ctx.features` (and
 * `ctx.state.features`) and runs the rest of the request with that user
 * current: `rollout.isEnabled(name)` called without a user anywhere under the
 * request answers for them, from the same answers. Errors (a throwing
 * resolver, say) reject into Koa's error flow. `notFound` names the app's
 * own answer for a path it does not have, which every denied
 * `requireFeature` then gives.
 *
 * @example
 * app.use(features({ rollout, user: (ctx) => ctx.state.user?.id }));
 * router.get('/', (ctx) => { ctx.body = { beta: ctx.features.isEnabled('beta') }; });
 */
export function features(options: FeaturesOptions): Middleware {
  const { rollout, answersFor, notFound } = parseFeaturesOptions(options, 'features');
  function attach(ctx: Context, answers: UserFeatures<string>, next: Next): Promise<unknown> {
    ctx.features = answers as UserFeatures<FeatureName>;
    ctx.state.features = ctx.features;
    return rollout.withFeatures(answers, next);
  }

  return function hanoiFeatures(ctx: Context, next: Next): Promise<unknown> {
    // For the guards after this one: what a denied request is answered.
    if (notFound !== undefined) rememberNotFound(ctx, notFound);
    // A throw here becomes a rejection: koa-compose calls middleware inside a try.
    const answers = answersFor(ctx);
    // In memory, with a sync resolver: no promise of ours and no extra turn of the event loop.
    if (!(answers instanceof Promise)) return attach(ctx, answers, next);
    return answers.then((ready) => attach(ctx, ready, next));
  };
}
