import type {
  FeatureName,
  Logger,
  RegisteredAttributes,
  Rollout,
  UserContext,
  UserFeatures,
  UserId,
} from '@hanoi/core';
import type { NextFunction, Request, Response } from 'express';

/**
 * Finds who is asking: a user id or context, `undefined` or `null` for an anonymous
 * request, or a Promise of one. Only what the application decides: nothing
 * reads a header unless this function does.
 */
export type UserResolver = (req: Request) => ResolvedUser | Promise<ResolvedUser>;

/**
 * What a resolver returns: an id, a context with the attributes rules read
 * (`{ id, country, plan }`; those declared in `Register` when any are), or
 * `undefined`/`null` for an anonymous request. An invalid attribute is left
 * out with one warning: a request never fails for it.
 */
export type ResolvedUser = UserId | UserContext<RegisteredAttributes> | null | undefined;

/** Options of `features()`. */
export interface FeaturesOptions {
  /** The rollout whose features the requests see. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a Rollout of any feature names: Rollout<string> would refuse a Rollout<'beta'>
  rollout: Rollout<any>;
  /** Who is asking; by default `req.user?.id` (as set by Passport and most auth layers). */
  user?: UserResolver;
  /** Where warnings go (a resolver returning something that is not an id); `console` by default. */
  logger?: Logger;
  /**
   * The app's own answer for a path it does not have, used by every denied
   * guard after this middleware; by default Express's own 404 page.
   */
  notFound?: NotFoundHandler;
}

/**
 * Answers a request as the app answers a path it does not have (a 404 page).
 * It gets no `next`: a denied request goes nowhere else.
 */
export type NotFoundHandler = (req: Request, res: Response) => unknown;

/**
 * What a guard does when the feature is off for the user: answer, or pass on
 * with `next` (which lets the request through to what follows the guard).
 */
export type DeniedHandler = (req: Request, res: Response, next: NextFunction) => void;

/** Options of `requireFeature()`. */
export interface RequireFeatureOptions extends Partial<FeaturesOptions> {
  /**
   * The status of a denied request. By default (404) the guard answers as the
   * app answers a path it does not have (`notFound`, else Express's 404
   * page); any other status is sent with its standard message.
   */
  status?: number;
  /** Answers a denied request instead (takes precedence over `status`). */
  onDenied?: DeniedHandler;
}

declare global {
  // Declaration merging is how Express types its request; a namespace is the only way in.
  namespace Express {
    interface Request {
      /**
       * Every feature's answer for this request's user, synchronously; set by
       * `features()` (or by `requireFeature()` given a rollout).
       */
      features: UserFeatures<FeatureName>;
    }
  }
}
