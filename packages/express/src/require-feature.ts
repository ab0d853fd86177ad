import { HanoiError, rememberedNotFound, UserFeatures, type FeatureName } from '@hanoi/core';
import { parseGuardOptions } from '@hanoi/core/internal';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import finalhandler from 'finalhandler';
import { features } from './features';
import type { DeniedHandler, NotFoundHandler, RequireFeatureOptions } from './types';

/**
 * A guard: lets the request through when `name` is on for its user.
 *
 * Denied, it fails closed: it answers the request itself and never calls
 * `next`, so no later handler, route or router of the app runs, however the
 * guard is mounted (on a route, `app.all('/admin/*', ...)`, `app.use`,
 * `router.use`). By default it answers exactly as Express answers a path no
 * route has (its final handler's "Cannot GET /path" 404), so a hidden
 * feature does not reveal itself; `features({ notFound })` (or `{ notFound }`
 * here) names the app's own 404 answer instead. `{ status: 403 }` sends that
 * status; `{ onDenied }` answers as you like. A guard that cannot tell
 * whether the feature is on denies.
 *
 * Without `features()` mounted it needs `{ rollout }` (and `user`) to work
 * the answers out itself; otherwise it passes a `HANOI_FEATURES_NOT_MOUNTED` error on.
 *
 * @example
 * app.all('/admin/*rest', requireFeature('admin_v2')); // Express 4: '/admin/*'
 * app.get('/beta', requireFeature('beta'), (req, res) => res.send('hi'));
 * adminRouter.use(requireFeature('admin_v2', { status: 403 }));
 */
export function requireFeature(name: FeatureName, options: RequireFeatureOptions = {}): RequestHandler {
  const { status, onDenied, notFound, allows } = parseGuardOptions<DeniedHandler, NotFoundHandler>(name, options, {
    denied: '(req, res, next) => void',
    notFound: '(req, res) => void',
  });
  const { rollout, user, logger } = options;
  const own = rollout === undefined ? undefined : features({ rollout, user, logger, notFound });

  function deny(req: Request, res: Response, next: NextFunction): void {
    if (onDenied) return onDenied(req, res, next);
    if (status !== 404) return void res.sendStatus(status);
    const answer = notFound ?? rememberedNotFound<NotFoundHandler>(req);
    // Express's own answer for an unknown path: the final handler it runs itself, with no error.
    if (answer === undefined) return finalhandler(req, res)();
    const done = answer(req, res) as PromiseLike<unknown> | undefined;
    // A failing 404 page goes to the error handlers, which only error middleware hears.
    if (typeof done?.then === 'function') done.then(undefined, next);
  }

  function decide(req: Request, res: Response, next: NextFunction): void {
    if (allows(req.features)) next();
    else deny(req, res, next);
  }

  return function hanoiRequireFeature(req: Request, res: Response, next: NextFunction): void {
    if (req.features instanceof UserFeatures) return decide(req, res, next);
    if (!own) {
      return next(
        new HanoiError(
          'HANOI_FEATURES_NOT_MOUNTED',
          `requireFeature(${JSON.stringify(name)}) found no req.features. Mount app.use(features({ rollout })) ` +
            `before it, or pass requireFeature(${JSON.stringify(name)}, { rollout, user }).`,
        ),
      );
    }
    own(req, res, (err?: unknown) => (err === undefined ? decide(req, res, next) : next(err)));
  };
}
