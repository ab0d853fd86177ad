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
  return function hanoiFeatures(req: Request, res: Response, next: NextFunction): void {
    let raw: ReturnType<typeof user>;
    try {
      raw = user(req);
    } catch (err) {
      next(err);
      return;
    }
    // A sync resolver costs no extra turn of the event loop.
    const view = isThenable(raw)
      ? Promise.resolve(raw).then((id) => rollout.forUser(toId(id)))
      : rollout.forUser(toId(raw));
    view
      .then((answers: UserFeatures<string>) => {
        req.features = answers as UserFeatures<FeatureName>;
        rollout.withFeatures(answers, () => next());
      })
      .catch(next);
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
