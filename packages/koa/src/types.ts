import type {
  FeatureName,
  Logger,
  RegisteredAttributes,
  Rollout,
  UserContext,
  UserFeatures,
  UserId,
} from '@hanoi/core';
import type { Context, Next } from 'koa';

/**
 * Finds who is asking: a user id or context, `undefined` or `null` for an anonymous
 * request, or a Promise of one. Only what the application decides: nothing
 * reads a header unless this function does.
 */
export type UserResolver = (ctx: Context) => ResolvedUser | Promise<ResolvedUser>;

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
  /** Who is asking; by default `ctx.state.user?.id` (as koa-passport and most auth layers set it). */
  user?: UserResolver;
  /** Where warnings go (a resolver returning something that is not an id); `console` by default. */
  logger?: Logger;
  /**
   * The app's own answer for a path it does not have, used by every denied
   * guard after this middleware; by default Koa's own 404 ("Not Found").
   */
  notFound?: NotFoundHandler;
}

/**
 * Answers a request as the app answers a path it does not have (a 404 page).
 * It gets no `next`: a denied request goes nowhere else.
 */
export type NotFoundHandler = (ctx: Context) => unknown;

/**
 * What a guard does when the feature is off for the user: answer, or pass on
 * with `next` (which lets the request through to what follows the guard).
 */
export type DeniedHandler = (ctx: Context, next: Next) => unknown;

/** Options of `requireFeature()`. */
export interface RequireFeatureOptions extends Partial<FeaturesOptions> {
  /**
   * The status of a denied request. By default (404) the guard answers as the
   * app answers a path it does not have (`notFound`, else Koa's "Not Found");
   * any other status is sent with its standard message.
   */
  status?: number;
  /** Answers a denied request instead (takes precedence over `status`). */
  onDenied?: DeniedHandler;
}

declare module 'koa' {
  interface DefaultContext {
    /** Every feature's answer for this request's user, synchronously; set by `features()`. */
    features: UserFeatures<FeatureName>;
  }
  interface DefaultState {
    /** The same as `ctx.features`, for code that reads `ctx.state`. */
    features: UserFeatures<FeatureName>;
  }
}
