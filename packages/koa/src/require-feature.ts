import { HanoiError, rememberedNotFound, UserFeatures, type FeatureName } from '@hanoi/core';
import { parseGuardOptions } from '@hanoi/core/internal';
import type { Context, Middleware, Next } from 'koa';
import { features } from './features';
import type { DeniedHandler, NotFoundHandler, RequireFeatureOptions } from './types';

/**
 * A guard: lets the request through when `name` is on for its user.
 *
 * Denied, it fails closed: it never calls `next`, so nothing after it runs
 * (the route's handlers, later routes and routers, later middleware). By
 * default it leaves the response as for a path nothing handles (emptied if
 * middleware before it had filled it in), so Koa answers its 404, or the
 * app's fallback that fills in a 404 after `await next()` does: a hidden
 * feature does not reveal itself. `features({ notFound })` (or `{ notFound }`
 * here) names the app's own 404 answer instead. `{ status: 403 }` sends that
 * status with its standard message; `{ onDenied }` answers as you like. A
 * guard that cannot tell whether the feature is on denies. Works on an app,
 * a `@koa/router` router (`router.use`, `router.all('/admin/*rest')`) or a
 * single route.
 *
 * Without `features()` mounted it needs `{ rollout }` (and `user`) to work
 * the answers out itself; otherwise it throws a `HANOI_FEATURES_NOT_MOUNTED`
 * error into Koa's error flow.
 *
 * @example
 * router.all('/admin/*rest', requireFeature('admin_v2'));
 * router.get('/beta', requireFeature('beta'), (ctx) => { ctx.body = 'hi'; });
 * admin.use(requireFeature('admin_v2', { status: 403 }));
 */
export function requireFeature(name: FeatureName, options: RequireFeatureOptions = {}): Middleware {
  const { status, onDenied, notFound, allows } = parseGuardOptions<DeniedHandler, NotFoundHandler>(name, options, {
    denied: '(ctx, next) => unknown',
    notFound: '(ctx) => unknown',
  });
  const { rollout, user, logger } = options;
  const own = rollout === undefined ? undefined : features({ rollout, user, logger, notFound });

  function deny(ctx: Context, next: Next): unknown {
    if (onDenied) return onDenied(ctx, next);
    const answer = status === 404 ? (notFound ?? rememberedNotFound<NotFoundHandler>(ctx)) : undefined;
    if (answer !== undefined) return answer(ctx);
    // An empty response with this status: Koa sends the status message ("Not Found", "Forbidden") as the body.
    if (ctx.body != null || ctx.status !== status) {
      ctx.remove('Content-Type'); // else Koa 3 keeps a JSON body as "null"
      ctx.body = undefined;
      ctx.status = status;
    }
    return undefined;
  }

  function decide(ctx: Context, next: Next): unknown {
    return allows(ctx.features) ? next() : deny(ctx, next);
  }

  return function hanoiRequireFeature(ctx: Context, next: Next): unknown {
    if (ctx.features instanceof UserFeatures) return decide(ctx, next);
    if (!own) {
      throw new HanoiError(
        'HANOI_FEATURES_NOT_MOUNTED',
        `requireFeature(${JSON.stringify(name)}) found no ctx.features. Mount app.use(features({ rollout })) ` +
          `before it, or pass requireFeature(${JSON.stringify(name)}, { rollout, user }).`,
      );
    }
    return own(ctx, () => Promise.resolve(decide(ctx, next)));
  };
}
