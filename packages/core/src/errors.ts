import { HANOI_ERROR_BRAND } from './brand';

/** Every code a `HanoiError` carries: stable, meant for programs. */
export type HanoiErrorCode =
  | 'HANOI_FEATURE_NOT_FOUND'
  | 'HANOI_FEATURE_DISABLED'
  | 'HANOI_FEATURE_DAMAGED'
  | 'HANOI_CONFLICT'
  | 'HANOI_UNSUPPORTED'
  | 'HANOI_SEGMENT_NOT_FOUND'
  | 'HANOI_MISSING_USER'
  | 'HANOI_INVALID_ARGUMENT'
  | 'HANOI_BACKEND_UNAVAILABLE'
  | 'HANOI_WRITE_OUTCOME_UNKNOWN'
  | 'HANOI_FEATURES_NOT_MOUNTED'
  | 'HANOI_HISTORY_DAMAGED'
  | 'HANOI_CLI_USAGE'
  | 'HANOI_REDIS_ERROR';

/**
 * Every error the hanoi packages throw. `code` is stable and meant for programs;
 * the message says what to do next.
 *
 * @example
 * try { await rollout.setPercentage('beta', 10); }
 * catch (err) { if (isHanoiError(err, 'HANOI_FEATURE_NOT_FOUND')) ... }
 *
 * `isHanoiError` (a `Symbol.for` brand) also recognises an error made by
 * another copy of @hanoi/core, where `instanceof` would not.
 */
export class HanoiError extends Error {
  /** A stable string such as `HANOI_FEATURE_NOT_FOUND`. */
  readonly code: HanoiErrorCode;

  constructor(code: HanoiErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }

  /** The brand `isHanoiError` looks for, shared by every copy of @hanoi/core. */
  get [HANOI_ERROR_BRAND](): true {
    return true;
  }
}

/** A management call or a guard named a feature that does not exist. */
export class FeatureNotFoundError extends HanoiError {
  readonly feature: string;

  constructor(feature: string) {
    super(
      'HANOI_FEATURE_NOT_FOUND',
      `Feature ${JSON.stringify(feature)} does not exist. Call rollout.addFunc(${JSON.stringify(feature)}) first.`,
    );
    this.feature = feature;
  }
}

/** A guard refused a call because the feature is off for the user. */
export class FeatureDisabledError extends HanoiError {
  readonly feature: string;
  readonly userId: string;

  constructor(feature: string, userId: string) {
    super(
      'HANOI_FEATURE_DISABLED',
      `Feature ${JSON.stringify(feature)} is off for user ${JSON.stringify(userId)}. ` +
        `Register the user, raise the percentage or enable the feature to let the call through.`,
    );
    this.feature = feature;
    this.userId = userId;
  }
}

/** A guard had no user to check: none was passed and none is current. */
export class MissingUserError extends HanoiError {
  readonly feature: string;

  constructor(feature: string) {
    super(
      'HANOI_MISSING_USER',
      `No user to check feature ${JSON.stringify(feature)} for. Pass one, or run the call inside ` +
        `rollout.withCurrentId(id, fn) (the Express and Koa middleware do this for each request).`,
    );
    this.feature = feature;
  }
}

/** An argument is out of range or of the wrong kind; nothing was changed. */
export class InvalidArgumentError extends HanoiError {
  /** The argument at fault, e.g. `percentage`. */
  readonly field: string;
  readonly value: unknown;

  constructor(field: string, value: unknown, requirement: string) {
    super('HANOI_INVALID_ARGUMENT', `Invalid ${field}: ${describe(value)}. ${requirement}`);
    this.field = field;
    this.value = value;
  }
}

/** The store could not be reached in time; a write that rejects with this was not applied. */
export class BackendUnavailableError extends HanoiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('HANOI_BACKEND_UNAVAILABLE', message, options);
  }
}

/**
 * A write that was sent to the store but whose outcome this process cannot
 * know: no reply came in time, or the connection dropped while it was in
 * flight. It may have been applied before its deadline; it will not be
 * applied after. Read the feature back with `getFunc` once the store
 * answers, or repeat the call (every write but `toggle` is idempotent).
 *
 * @example
 * try { await rollout.setPercentage('beta', 20); }
 * catch (err) { if (err instanceof WriteOutcomeUnknownError) await rollout.setPercentage('beta', 20); }
 */
export class WriteOutcomeUnknownError extends HanoiError {
  constructor(what: string, options?: { cause?: unknown }) {
    super(
      'HANOI_WRITE_OUTCOME_UNKNOWN',
      `${what} was sent to the store but no answer came in time; it may have been applied. ` +
        'Read the feature back with rollout.getFunc() once the store answers, or repeat the call.',
      options,
    );
  }
}

/**
 * The store holds something for this feature that cannot be read (a key of
 * the wrong type, an unreadable value). Only this feature is affected: it
 * answers as unknown, and operations on it reject until it is repaired
 * (`rollout.remove(name)` deletes what is stored, then `addFunc` it again).
 */
export class FeatureDamagedError extends HanoiError {
  readonly feature: string;

  constructor(feature: string, why: string) {
    super(
      'HANOI_FEATURE_DAMAGED',
      `Feature ${JSON.stringify(feature)} is damaged in the store (${why}). ` +
        `Remove it with rollout.remove(${JSON.stringify(feature)}) and add it again.`,
    );
    this.feature = feature;
  }
}

/**
 * A revert found the feature changed after the entry it reverts: reverting
 * would undo those later changes too. Nothing was written.
 */
export class ConflictError extends HanoiError {
  readonly feature: string;

  constructor(feature: string, entry: string, latest: string) {
    super(
      'HANOI_CONFLICT',
      `Feature ${JSON.stringify(feature)} changed after entry ${entry} (latest: ${latest || 'none'}); nothing was written. ` +
        `Look at rollout.history({ feature: ${JSON.stringify(feature)} }), or pass { force: true } to revert anyway.`,
    );
    this.feature = feature;
  }
}

/** The store's history cannot take an entry (a key of the wrong type): the write was refused, nothing changed. */
export class HistoryDamagedError extends HanoiError {
  constructor(why: string) {
    super('HANOI_HISTORY_DAMAGED', `The history cannot be written (${why}); nothing was changed. Delete that key.`);
  }
}

/**
 * A guard ran where no answers were worked out: the features middleware is
 * not mounted before it.
 */
export class FeaturesNotMountedError extends HanoiError {
  constructor(message: string) {
    super('HANOI_FEATURES_NOT_MOUNTED', message);
  }
}

/** A write would break what other data relies on (a segment a rule uses, a feature another requires); nothing was changed. */
export class InUseError extends HanoiError {
  constructor(message: string) {
    super('HANOI_CONFLICT', message);
  }
}

/** The backend does not store what the call needs (rules, segments, deny lists, prerequisites); nothing was changed. */
export class UnsupportedError extends HanoiError {
  constructor(what: string, backend: string) {
    super(
      'HANOI_UNSUPPORTED',
      `${backend} does not store ${what}. Use a backend that does (MemoryBackend, RedisBackend), or leave them out.`,
    );
  }
}

/** A segment call named a segment that does not exist. */
export class SegmentNotFoundError extends HanoiError {
  readonly segment: string;

  constructor(segment: string) {
    super(
      'HANOI_SEGMENT_NOT_FOUND',
      `Segment ${JSON.stringify(segment)} does not exist. Call rollout.defineSegment(${JSON.stringify(segment)}) first.`,
    );
    this.segment = segment;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) {
    return String(value);
  }
  if (value instanceof RegExp) return String(value);
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}
