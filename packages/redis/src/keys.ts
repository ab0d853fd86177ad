/**
 * The one place key names are built. Every key is `{<prefix>}:<kind>...`: the
 * whole prefix is a single Redis Cluster hash tag, so every key of a prefix
 * lives in one slot and one Lua script can touch them all atomically. A
 * feature's keys are `<kind>:` followed by its whole name, so no name can
 * collide with another's keys or with `index`/`version` (their kinds differ).
 *
 * Layout (`p` = prefix):
 * - `{p}:index`    SET of feature names
 * - `{p}:version`  integer, INCR on every write
 * - `{p}:epoch`    HASH id (the counter's current history), hw (the highest version in it)
 * - `{p}:changes`  pub/sub channel: `<epoch> <version> <name>` per write
 * - `{p}:history`  STREAM of history entries, one per write, trimmed to historyLimit
 * - `{p}:heads`    HASH feature name -> id of its latest history entry (what a revert checks)
 * - `{p}:f:<name>` HASH enabled ('1'/'0'), percentage, variants (JSON), `x:<field>` (JSON) for
 *                  any other field, v (version of its last write) and e (the epoch of v)
 * - `{p}:u:<name>` SET of user ids
 * - `{p}:p:<name>` SET of patterns, each JSON `[source, flags]`
 * - `{p}:d:<name>` SET of the units on the feature's deny list
 *
 * The snapshot script builds `f:`/`u:`/`p:`/`d:` keys from `base` the same way
 * (see scripts.ts): change both together.
 */

/** The default prefix. */
export const DEFAULT_PREFIX = 'hanoi';

/** Kinds of per-feature key. */
export type FeatureKeyKind = 'f' | 'u' | 'p' | 'd';

/** Every key a prefix uses, built once. */
export interface KeySpace {
  readonly prefix: string;
  /** `{p}:` — what every key starts with. */
  readonly base: string;
  readonly index: string;
  readonly version: string;
  readonly epoch: string;
  readonly channel: string;
  readonly history: string;
  readonly heads: string;
  /** A key of one feature: `{p}:<kind>:<name>`. */
  feature(kind: FeatureKeyKind, name: string): string;
}

/**
 * Checks a prefix (1..64 characters, no `{`, `}` or whitespace, which would
 * break the hash tag or the logs) and builds its key space. Throws a
 * TypeError: a wrong prefix is a programming error, found at construction.
 *
 * @example
 * prefixKeys('shop').feature('f', 'beta'); // '{shop}:f:beta'
 */
export function prefixKeys(prefix: unknown = DEFAULT_PREFIX): KeySpace {
  if (typeof prefix !== 'string' || prefix.length === 0 || prefix.length > 64 || /[{}\s]/.test(prefix)) {
    throw new TypeError(
      `RedisBackend: prefix must be a string of 1 to 64 characters without "{", "}" or whitespace; got ${JSON.stringify(prefix)}.`,
    );
  }
  const base = `{${prefix}}:`;
  return {
    prefix,
    base,
    index: `${base}index`,
    version: `${base}version`,
    epoch: `${base}epoch`,
    channel: `${base}changes`,
    history: `${base}history`,
    heads: `${base}heads`,
    feature: (kind, name) => `${base}${kind}:${name}`,
  };
}
