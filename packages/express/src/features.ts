import type { FeatureName, UserFeatures } from '@hanoi/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { parseFeaturesOptions } from './options';
import type { FeaturesOptions } from './types';

/**
 * Middleware that finds the request's user, works out their features (at
 * most one round trip to the store), hangs them on `req.features` and runs
 * the rest of the request with that user current: `rollout.isEnabled(name)`
 * called without a user anywhere under the request answers for them, from
 * the same answers. Errors (a throwing resolver, say) go to `next(err)`.
 *
 * @example
 * app.use(features({ rollout, user: (req) => req.user?.id }));
 * app.get('/', (req, res) => res.json({ beta: req.features.isEnabled('beta') }));
 */
export function features(options: FeaturesOptions): RequestHandler {
  const { rollout, user, toId } = parseFeaturesOptions(options, 'features');
  function attach(req: Request, answers: UserFeatures<string>, next: NextFunction): void {
    req.features = answers as UserFeatures<FeatureName>;
    rollout.withFeatures(answers, () => next());
  }

  return function hanoiFeatures(req: Request, _res: Response, next: NextFunction): void {
    let raw: ReturnType<typeof user>;
    let now: UserFeatures<string> | undefined;
    try {
      raw = user(req);
      // Fast path: a sync resolver and answers that need no store round trip
      // (always so in memory) cost no promise and no extra turn of the event loop.
      now = isThenable(raw) ? undefined : rollout.forUserNow(toId(raw));
    } catch (err) {
      return next(err);
    }
    if (now) return attach(req, now, next);
    Promise.resolve(raw)
      .then((id) => rollout.forUser(toId(id)))
      .then((answers) => {
        try {
          attach(req, answers, next);
        } catch (err) {
          next(err);
        }
      }, next);
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
