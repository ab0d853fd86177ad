import type { FeatureName, UserFeatures } from '@hanoi/core';
import { rememberNotFound } from '@hanoi/core/internal';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { parseFeaturesOptions } from './options';
import type { FeaturesOptions } from './types';

/**
 * Middleware that finds the request's user, works out their features (at
 * most one round trip to the store), hangs them on `req.features` and runs
 * the rest of the request with that user current: `rollout.isEnabled(name)`
 * called without a user anywhere under the request answers for them, from
 * the same answers. Errors (a throwing resolver, say) go to `next(err)`.
 * `notFound` names the app's own answer for a path it does not have, which
 * every denied `requireFeature` then gives.
 *
 * @example
 * app.use(features({ rollout, user: (req) => req.user?.id }));
 * app.get('/', (req, res) => res.json({ beta: req.features.isEnabled('beta') }));
 */
export function features(options: FeaturesOptions): RequestHandler {
  const { rollout, answersFor, notFound } = parseFeaturesOptions(options, 'features');
  function attach(req: Request, answers: UserFeatures<string>, next: NextFunction): void {
    req.features = answers as UserFeatures<FeatureName>;
    // withFeatures calls next with no argument (an argument would be an error for Express).
    rollout.withFeatures(answers, next);
  }

  return function hanoiFeatures(req: Request, _res: Response, next: NextFunction): void {
    // For the guards after this one: what a denied request is answered.
    if (notFound !== undefined) rememberNotFound(req, notFound);
    let answers: UserFeatures<string> | Promise<UserFeatures<string>>;
    try {
      answers = answersFor(req);
    } catch (err) {
      return next(err);
    }
    // In memory, with a sync resolver: no promise and no extra turn of the event loop.
    if (!(answers instanceof Promise)) return attach(req, answers, next);
    answers.then((ready) => {
      try {
        attach(req, ready, next);
      } catch (err) {
        next(err);
      }
    }, next);
  };
}
