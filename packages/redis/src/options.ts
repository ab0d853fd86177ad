import { assertName, type FeatureSnapshot, type Logger, type StoreBackendOptions } from '@hanoi/core';
import { checkHistoryLimit, checkLookupAnswers } from '@hanoi/core/internal';
import { prefixKeys, type KeySpace } from './keys';
import type { RedisClient } from './scripts';

/** Options of `RedisBackend` and `RedisHighPerfBackend`. */
export interface RedisBackendOptions {
  /** What every key starts with (as the hash tag `{prefix}`); default `hanoi`. */
  prefix?: string;
  /** Where failures are logged (once per outage); `console` by default. */
  logger?: Logger;
  /** Called once per outage with the error. */
  onError?: (error: unknown) => void;
  /** How often the version is compared with Redis's, to catch up on lost messages; default 5000 ms. */
  resyncIntervalMs?: number;
  /** `ready()` resolves after this long even when Redis cannot be reached; default 5000 ms. */
  readyTimeoutMs?: number;
  /** A write rejects after this long; default 2000 ms. */
  writeTimeoutMs?: number;
  /** A user lookup (RedisHighPerfBackend) rejects after this long; default 250 ms. */
  lookupTimeoutMs?: number;
  /** User lookups (RedisHighPerfBackend) waiting for Redis at once, at most; beyond, a lookup fails at once. Default 256. */
  maxPendingLookups?: number;
  /**
   * Lookup answers (RedisHighPerfBackend) kept, each until its feature or
   * segment changes, so a user checked again costs no round trip (a change
   * from another process is then seen within the propagation bound, not at
   * once). Default 0: none kept.
   */
  lookupAnswers?: number;
  /** Features to answer from before the first load from Redis. */
  bootstrap?: readonly FeatureSnapshot[];
  /** History entries kept under the prefix, all features together (the newest); default 10,000. */
  historyLimit?: number;
}

/** The options, checked and complete. */
export interface RedisConfig {
  readonly keys: KeySpace;
  /** The logger given, if any (the backend then uses it rather than its Rollout's). */
  readonly logger: Logger | undefined;
  readonly onError: ((error: unknown) => void) | undefined;
  readonly resyncIntervalMs: number;
  readonly readyTimeoutMs: number;
  readonly writeTimeoutMs: number;
  readonly lookupTimeoutMs: number;
  readonly maxPendingLookups: number;
  readonly lookupAnswers: number;
  readonly bootstrap: readonly FeatureSnapshot[];
  readonly historyLimit: number;
}

function duration(options: RedisBackendOptions, field: keyof RedisBackendOptions, fallback: number): number {
  const value = options[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1 || value > 3_600_000) {
    throw new TypeError(
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- what was passed, as JavaScript prints it
      `RedisBackend: ${field} must be a number of milliseconds from 1 to 3600000; got ${String(value)}.`,
    );
  }
  return value;
}

function checkBootstrap(bootstrap: unknown): readonly FeatureSnapshot[] {
  if (bootstrap === undefined) return [];
  const ok =
    Array.isArray(bootstrap) &&
    bootstrap.every((f) => {
      if (typeof f !== 'object' || f === null) return false;
      try {
        assertName(f.name);
      } catch {
        return false;
      }
      return (
        typeof f.enabled === 'boolean' &&
        typeof f.percentage === 'number' &&
        Array.isArray(f.users) &&
        Array.isArray(f.patterns) &&
        Array.isArray(f.variants)
      );
    });
  if (!ok) {
    throw new TypeError('RedisBackend: bootstrap must be an array of features as rollout.getFunc() returns them.');
  }
  return bootstrap as FeatureSnapshot[];
}

function redisHistoryLimit(limit: unknown): number {
  try {
    return checkHistoryLimit(limit);
  } catch (err) {
    throw new TypeError(`RedisBackend: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Checks the options once, at construction, and fills in the defaults.
 *
 * @example
 * parseOptions(client, { prefix: 'shop', writeTimeoutMs: 500 }).keys.index; // '{shop}:index'
 */
export function parseOptions(client: RedisClient, options: RedisBackendOptions = {}): RedisConfig {
  const shaped = client as unknown as Record<string, unknown> | null;
  if (
    typeof shaped !== 'object' ||
    shaped === null ||
    typeof shaped.defineCommand !== 'function' ||
    typeof shaped.duplicate !== 'function'
  ) {
    throw new TypeError('RedisBackend: pass an ioredis Redis or Cluster client: new RedisBackend(new Redis(url)).');
  }
  if (typeof options !== 'object' || options === null) throw new TypeError('RedisBackend: options must be an object.');
  const { logger, onError } = options;
  if (logger !== undefined && (typeof logger?.warn !== 'function' || typeof logger?.error !== 'function')) {
    throw new TypeError('RedisBackend: logger must have warn and error methods (console fits).');
  }
  if (onError !== undefined && typeof onError !== 'function')
    throw new TypeError('RedisBackend: onError must be a function.');
  return {
    keys: prefixKeys(options.prefix),
    logger,
    onError,
    resyncIntervalMs: duration(options, 'resyncIntervalMs', 5000),
    readyTimeoutMs: duration(options, 'readyTimeoutMs', 5000),
    writeTimeoutMs: duration(options, 'writeTimeoutMs', 2000),
    lookupTimeoutMs: duration(options, 'lookupTimeoutMs', 250),
    maxPendingLookups: duration(options, 'maxPendingLookups', 256),
    lookupAnswers: checkLookupAnswers(options.lookupAnswers, 'RedisBackend'),
    bootstrap: checkBootstrap(options.bootstrap),
    historyLimit: redisHistoryLimit(options.historyLimit),
  };
}

/**
 * What the synchronised cache in core takes from the options.
 *
 * @example
 * new StoreBackend(store, storeBackendOptions(config));
 */
export function storeBackendOptions(config: RedisConfig): StoreBackendOptions {
  return {
    logger: config.logger,
    onError: config.onError,
    resyncIntervalMs: config.resyncIntervalMs,
    readyTimeoutMs: config.readyTimeoutMs,
    bootstrap: config.bootstrap,
    lookups: { timeoutMs: config.lookupTimeoutMs, maxPending: config.maxPendingLookups },
    lookupAnswers: config.lookupAnswers,
  };
}
