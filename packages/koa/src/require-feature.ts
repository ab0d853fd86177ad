import { HanoiError, UserFeatures, type FeatureName } from '@hanoi/core';
import { parseGuardOptions } from '@hanoi/core/internal';
import type { Context, Middleware, Next } from 'koa';
import { features } from './features';
import type { DeniedHandler, RequireFeatureOptions } from './types';

/**
 * A guard: lets the request through when `name` is on for its user.
 *
 * Denied, by default it leaves the response untouched and does not call
 * `next`, so Koa answers exactly as for a path nothing handles (its 404, or
 * the app's fallback that fills in a 404 after `await next()`): a hidden
 * feature does not reveal itself. `{ status: 403 }` sends that status with
 * its standard message; `{ onDenied }` answers as you like. Works on an app,
 * a `@koa/router` router (`router.use`) or a single route.
 *
 * Without `features()` mounted it needs `{ rollout }` (and `user`) to work
 * the answers out itself; otherwise it throws a `HANOI_FEATURES_NOT_MOUNTED`
 * error into Koa's error flow.
 *
 * @example
 * router.get('/beta', requireFeature('beta'), (ctx) => { ctx.body = 'hi'; });
 * admin.use(requireFeature('admin_v2', { status: 403 }));
 */
export function requireFeature(name: FeatureName, options: RequireFeatureOptions = {}): Middleware {
  const { status, onDenied } = parseGuardOptions<DeniedHandler>(name, options, '(ctx, next) => unknown');
  const { rollout, user, logger } = options;
  const own = rollout === undefined ? undefined : features({ rollout, user, logger });

  function decide(ctx: Context, next: Next): unknown {
    if (ctx.features.isEnabled(name)) return next();
    if (onDenied) return onDenied(ctx, next);
    if (status !== 404) ctx.status = status; // Koa sends the status message as the body
    return undefined; // 404: untouched, as for a path nothing handles
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
