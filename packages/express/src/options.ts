import { normalizeUserId, type Logger, type Rollout, type UserId } from '@hanoi/core';
import type { Request } from 'express';
import type { FeaturesOptions, UserResolver } from './types';

/** `features()` options, checked and completed once. */
export interface FeaturesConfig {
  readonly rollout: Rollout<string>;
  readonly user: UserResolver;
  /** Turns what the resolver returned into an id; anything else is anonymous, with one warning. */
  readonly toId: (raw: unknown) => string | undefined;
}

/** The default resolver: `req.user?.id`, as Passport and most auth layers leave it. */
export function defaultUser(req: Request): UserId | undefined {
  return (req as { user?: { id?: UserId } }).user?.id;
}

/**
 * Checks `features()` options: a `TypeError` now rather than a failure on the
 * first request.
 *
 * @example
 * const config = parseFeaturesOptions({ rollout }, 'features');
 */
export function parseFeaturesOptions(options: FeaturesOptions, where: string): FeaturesConfig {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}(options): options must be an object such as { rollout, user: (req) => req.user?.id }.`);
  }
  const { rollout, user = defaultUser, logger = console } = options;
  if (typeof rollout !== 'object' || rollout === null || typeof rollout.forUserNow !== 'function' || typeof rollout.withFeatures !== 'function') {
    throw new TypeError(`${where}({ rollout }): rollout must be a Rollout, e.g. new Rollout(new MemoryBackend()).`);
  }
  if (typeof user !== 'function') {
    throw new TypeError(`${where}({ user }): user must be a function of the request returning its user id, e.g. (req) => req.user?.id.`);
  }
  if (typeof logger !== 'object' || logger === null || typeof logger.warn !== 'function' || typeof logger.error !== 'function') {
    throw new TypeError(`${where}({ logger }): logger must have warn() and error() methods, as console does.`);
  }
  let warned = false;
  const toId = (raw: unknown): string | undefined => {
    if (raw === undefined || raw === null) return undefined;
    try {
      return normalizeUserId(raw);
    } catch {
      if (!warned) {
        warned = true;
        logger.warn(
          `hanoi [HANOI_INVALID_USER_ID]: the user resolver of ${where}() returned a ${typeof raw} that is not a user id ` +
            '(a string of 1 to 512 characters or a finite number); such requests are treated as anonymous. ' +
            'Fix the user option. This warning is given once.',
        );
      }
      return undefined;
    }
  };
  return { rollout: rollout as Rollout<string>, user, toId };
}
