import { assertName, normalizeUserId } from './validate';
import type { Logger } from './reporter';
import type { Rollout } from './rollout';
import { isContextObject, sanitizeContext, type Context, type User, type UserId } from './user-context';
import type { UserFeatures } from './user-features';

/** What an adapter's `features()` options become once checked. */
export interface AdapterConfig<Request> {
  readonly rollout: Rollout<string>;
  /**
   * The request's answers: at once when the resolver is synchronous and no
   * store round trip is needed (always so in memory), else a promise.
   * Throws (or rejects with) what the resolver throws.
   *
   * @example
   * const answers = answersFor(req);
   * const features = answers instanceof Promise ? await answers : answers;
   */
  readonly answersFor: (request: Request) => UserFeatures<string> | Promise<UserFeatures<string>>;
  /** The app's own not-found answer, for every guard after `features()`; `undefined`: the framework's. */
  readonly notFound: ((...args: never[]) => unknown) | undefined;
}

/** How an adapter describes its framework in error messages. */
export interface AdapterShape<Request> {
  /** The default resolver, e.g. `(req) => req.user?.id`. */
  readonly defaultUser: (request: Request) => UserId | User | undefined;
  /** How the default resolver reads, e.g. `(req) => req.user?.id`. */
  readonly userExample: string;
  /** What the resolver is given, e.g. `the request`. */
  readonly subject: string;
  /** How a not-found answer reads, e.g. `(req, res) => void`. */
  readonly notFoundSignature: string;
}

/**
 * Checks the options of an adapter's `features()` once, at construction: a
 * `TypeError` now rather than a failure on the first request. For adapter
 * authors; `@hanoi/express` and `@hanoi/koa` use it.
 *
 * @example
 * const { rollout, answersFor } = parseAdapterOptions(options, 'features', {
 *   defaultUser: (req) => req.user?.id, userExample: '(req) => req.user?.id', subject: 'the request',
 *   notFoundSignature: '(req, res) => void',
 * });
 */
export function parseAdapterOptions<Request>(
  options: unknown,
  where: string,
  shape: AdapterShape<Request>,
): AdapterConfig<Request> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `${where}(options): options must be an object such as { rollout, user: ${shape.userExample} }.`,
    );
  }
  const {
    rollout,
    user = shape.defaultUser,
    logger = (options as { rollout?: { logger?: Logger } }).rollout?.logger ?? console,
    notFound,
  } = options as {
    rollout?: Rollout<string>;
    user?: unknown;
    logger?: Logger;
    notFound?: unknown;
  };
  if (typeof rollout !== 'object' || rollout === null || typeof rollout.forUser !== 'function') {
    throw new TypeError(`${where}({ rollout }): rollout must be a Rollout, e.g. new Rollout(new MemoryBackend()).`);
  }
  if (typeof user !== 'function') {
    throw new TypeError(
      `${where}({ user }): user must be a function of ${shape.subject} returning its user id or context, e.g. ${shape.userExample}.`,
    );
  }
  checkLogger(logger, where);
  checkNotFound(notFound, where, shape.notFoundSignature);
  // What the resolver returned, as an id or a context. A request never fails for
  // it: an invalid id is anonymous, an invalid attribute is left out, each kind
  // of problem with one warning.
  const warned = new Set<string>();
  const warnOnce = (kind: 'id' | 'attribute', detail: string): void => {
    if (warned.has(kind)) return;
    warned.add(kind);
    const code = kind === 'id' ? 'HANOI_INVALID_USER_ID' : 'HANOI_INVALID_ATTRIBUTE';
    logger.warn(
      `hanoi [${code}]: the user resolver of ${where}() returned ${detail} ` +
        '(an id is a string of 1 to 512 characters or a finite number; an attribute a string, finite number, ' +
        'boolean, Date or list of strings). Fix the user option. This warning is given once.',
    );
  };
  const toUser = (raw: unknown): string | Context | undefined => {
    if (raw === undefined || raw === null) return undefined;
    if (isContextObject(raw))
      return sanitizeContext(raw, (kind, message) => warnOnce(kind, `a context whose ${message}`));
    try {
      return normalizeUserId(raw);
    } catch {
      warnOnce('id', `a ${typeof raw} that is not a user id; such requests are treated as anonymous`);
      return undefined;
    }
  };
  const resolve = user as (request: Request) => unknown;
  const answersFor = (request: Request): UserFeatures<string> | Promise<UserFeatures<string>> => {
    const raw = resolve(request);
    if (isThenable(raw)) return Promise.resolve(raw).then((resolved) => rollout.forUser(toUser(resolved)));
    const resolved = toUser(raw);
    return rollout.forUserNow(resolved) ?? rollout.forUser(resolved);
  };
  return { rollout, answersFor, notFound: notFound as AdapterConfig<Request>['notFound'] };
}

function checkLogger(logger: Logger, where: string): void {
  if (
    typeof logger !== 'object' ||
    logger === null ||
    typeof logger.warn !== 'function' ||
    typeof logger.error !== 'function'
  ) {
    throw new TypeError(`${where}({ logger }): logger must have warn() and error() methods, as console does.`);
  }
}

function checkNotFound(notFound: unknown, where: string, signature: string): void {
  if (notFound !== undefined && typeof notFound !== 'function') {
    throw new TypeError(
      `${where}({ notFound }): notFound must be a function ${signature} that answers as for an unknown path.`,
    );
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/** A guard's options once checked. */
export interface GuardConfig<Denied, NotFound> {
  readonly status: number;
  readonly onDenied: Denied | undefined;
  /** The guard's own not-found answer; else the one `features()` was given; else the framework's. */
  readonly notFound: NotFound | undefined;
  /**
   * Whether `features` lets the request through: only a plain `true` does.
   * A guard that cannot decide (an evaluation that throws) denies, and says
   * so once through the logger until the feature answers again.
   */
  readonly allows: (features: { isEnabled(name: string): unknown }) => boolean;
}

/**
 * Checks a `requireFeature(name, options)` call once, at construction.
 *
 * @example
 * const { status, onDenied, notFound, allows } = parseGuardOptions('beta', { status: 403 }, {
 *   denied: '(req, res, next) => void', notFound: '(req, res) => void',
 * });
 */
export function parseGuardOptions<Denied, NotFound>(
  name: unknown,
  options: unknown,
  signatures: { readonly denied: string; readonly notFound: string },
): GuardConfig<Denied, NotFound> {
  if (typeof name !== 'string') throw new TypeError('requireFeature(name): name must be a feature name (a string).');
  assertName(name);
  if (typeof options !== 'object' || options === null)
    throw new TypeError('requireFeature(name, options): options must be an object.');
  const {
    status = 404,
    onDenied,
    notFound,
    logger = console,
  } = options as { status?: unknown; onDenied?: unknown; notFound?: unknown; logger?: Logger };
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
    throw new TypeError(
      `requireFeature(name, { status }): status must be an integer from 400 to 599, not ${String(status)}.`,
    );
  }
  if (onDenied !== undefined && typeof onDenied !== 'function') {
    throw new TypeError(`requireFeature(name, { onDenied }): onDenied must be a function ${signatures.denied}.`);
  }
  checkNotFound(notFound, 'requireFeature', signatures.notFound);
  checkLogger(logger, 'requireFeature');
  let failing = false;
  const allows = (features: { isEnabled(name: string): unknown }): boolean => {
    try {
      const on = features.isEnabled(name) === true;
      failing = false;
      return on;
    } catch (err) {
      if (!failing) {
        failing = true;
        logger.error(
          `hanoi [HANOI_GUARD_UNDECIDED]: requireFeature(${JSON.stringify(name)}) could not tell whether the feature ` +
            'is on, so it denied the request (and will deny until it can tell).',
          err,
        );
      }
      return false;
    }
  };
  return { status, onDenied: onDenied as Denied | undefined, notFound: notFound as NotFound | undefined, allows };
}
