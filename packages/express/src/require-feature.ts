import { HanoiError, UserFeatures, type FeatureName } from '@hanoi/core';
import { parseGuardOptions } from '@hanoi/core/internal';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { features } from './features';
import type { DeniedHandler, RequireFeatureOptions } from './types';

/**
 * A guard: lets the request through when `name` is on for its user.
 *
 * Denied, by default it answers exactly as the app answers a path that does
 * not exist, so a hidden feature does not reveal itself. On a route
 * (`app.get(path, requireFeature(name), handler)`) it calls `next('route')`:
 * the route's other handlers are skipped and the request goes on to whatever
 * the app does for unknown paths (its own 404 handler, or Express's). On a
 * router (`router.use(requireFeature(name))`) `next('route')` would be a plain
 * `next()`, so it calls `next('router')`: the request leaves the router and
 * the app goes on as for a path the router does not know. (Mounted on the app
 * itself, leaving means Express's final 404.) `{ status: 403 }` sends that
 * status instead; `{ onDenied }` answers as you like.
 *
 * Without `features()` mounted it needs `{ rollout }` (and `user`) to work
 * the answers out itself; otherwise it passes a `HANOI_FEATURES_NOT_MOUNTED` error on.
 *
 * @example
 * app.get('/beta', requireFeature('beta'), (req, res) => res.send('hi'));
 * adminRouter.use(requireFeature('admin_v2', { status: 403 }));
 */
export function requireFeature(name: FeatureName, options: RequireFeatureOptions = {}): RequestHandler {
  const { status, onDenied } = parseGuardOptions<DeniedHandler>(name, options, '(req, res, next) => void');
  const { rollout, user, logger } = options;
  const own = rollout === undefined ? undefined : features({ rollout, user, logger });
  // The routes this guard has run in, per request: req.route stays set after a route is done.
  const ranIn = new WeakMap<Request, Set<unknown>>();

  function onRoute(req: Request): boolean {
    const route = req.route as { stack?: { handle?: unknown }[] } | undefined;
    if (!route?.stack?.some((layer) => layer.handle === hanoiRequireFeature)) return false;
    const routes = ranIn.get(req) ?? new Set<unknown>();
    if (routes.has(route)) return false; // a route left earlier: this call is a router's
    ranIn.set(req, routes.add(route));
    return true;
  }

  function decide(req: Request, res: Response, next: NextFunction, route: boolean): void {
    if (req.features.isEnabled(name)) next();
    else if (onDenied) onDenied(req, res, next);
    else if (status !== 404) res.sendStatus(status);
    else next(route ? 'route' : 'router');
  }

  function hanoiRequireFeature(req: Request, res: Response, next: NextFunction): void {
    const route = onRoute(req);
    if (req.features instanceof UserFeatures) return decide(req, res, next, route);
    if (!own) {
      return next(
        new HanoiError(
          'HANOI_FEATURES_NOT_MOUNTED',
          `requireFeature(${JSON.stringify(name)}) found no req.features. Mount app.use(features({ rollout })) ` +
            `before it, or pass requireFeature(${JSON.stringify(name)}, { rollout, user }).`,
        ),
      );
    }
    own(req, res, (err?: unknown) => (err === undefined ? decide(req, res, next, route) : next(err)));
  }
  return hanoiRequireFeature;
}
