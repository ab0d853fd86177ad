import type { Variant } from './feature';
import type { HistoryPage, HistoryQuery, WriteMeta } from './history';
import type { PatternSpec } from './pattern';

/*
 * The store contract: what a store (MemoryStore, the Redis store, a
 * PostgreSQL store...) implements. A store only stores: it keeps features
 * durable and atomic and announces changes. Everything a process holds in
 * memory (what `peek` answers, read-your-writes, version gaps, epochs,
 * bootstrap definitions, resync, reporting) is core's StoreBackend's job
 * (store-backend.ts). A store is done when it passes the contract suite of
 * `@hanoi/core/testing` (`describeStoreContract`).
 */

/**
 * A feature's definition as a store keeps it: an extensible record. The
 * store persists every field it is given (JSON values) and hands them back
 * unchanged; it interprets none of them, so a new field (rules, segments...)
 * needs no change to any store.
 */
export interface FeatureData {
  enabled: boolean;
  percentage: number;
  variants: Variant[];
  [field: string]: unknown;
}

/**
 * Where a store is in its history: `epoch` names one continuous history of
 * its version counter; `version` counts the writes in it. A store that loses
 * or rewinds its counter (a flush, a deleted key, a restart without
 * persistence) starts a new epoch, so a process never mistakes a reset for
 * an old version. `''` is the epoch of a store that holds nothing yet.
 */
export interface StoreHead {
  readonly epoch: string;
  readonly version: number;
}

/** One stored feature, as a store reads it. */
export interface StoredFeature {
  readonly name: string;
  /** The version (in the reply's epoch) of the feature's last write; 0 when it was written in another epoch. */
  readonly v: number;
  readonly data: FeatureData;
  /** The patterns, as stored (any order). */
  readonly patterns: readonly PatternSpec[];
  /** How many users are registered. */
  readonly userCount: number;
  /** The registered users, when the call asked for them. */
  readonly users?: readonly string[];
  /**
   * For a store whose users processes do not hold: how many units the deny
   * list holds, when the read left the list out (`data.deny` absent: the
   * list stays in the store, and a lookup asks the entry `deny <name>`).
   * Absent: the deny list, if any, is `data.deny`.
   */
  readonly deniedCount?: number;
}

/**
 * A feature as a write's result or a reload of what changed gives it: a
 * stored feature whose `patterns` the store may leave out when the process
 * can work them out from what it holds (see `StoreWriteResult` and
 * `StoreReadSince`), so that a change to a feature with thousands of
 * patterns does not move them all.
 */
export interface ChangedFeature extends Omit<StoredFeature, 'patterns'> {
  /** The patterns, as stored (any order); absent: as the result or reload that carries the feature says. */
  readonly patterns?: readonly PatternSpec[];
}

/** A feature the store cannot read (a key of the wrong type, an unreadable value): only it is affected. */
export interface DamagedFeature {
  readonly name: string;
  readonly damaged: string;
}

/** A full, atomic view of the store. */
export interface StoreSnapshot extends StoreHead {
  readonly features: readonly (StoredFeature | DamagedFeature)[];
}

/** One feature read from the store; `feature` undefined when it does not exist. */
export interface StoreRead extends StoreHead {
  readonly feature: StoredFeature | DamagedFeature | undefined;
}

/**
 * A change a write makes, applied by the store atomically, with one history
 * entry recording it (see history.ts): `meta` says who made it and why; the
 * store adds the time from its own clock.
 */
export type StoreWrite = (
  | /** Creates the feature with `defaults`, or not; then sets `data`. */
    { readonly op: 'add'; readonly data: Partial<FeatureData>; readonly defaults: FeatureData }
    /** Sets fields of an existing feature. */
  | { readonly op: 'update'; readonly data: Partial<FeatureData> }
  | { readonly op: 'toggle' }
  | { readonly op: 'addUsers' | 'removeUsers'; readonly users: readonly string[] }
  | { readonly op: 'addPattern' | 'removePattern'; readonly pattern: PatternSpec }
  /**
   * Adds units to (or removes them from) the feature's deny list: the data
   * field `deny`, a sorted list of distinct ids, absent when empty. Only for
   * stores whose `denyLists` is true.
   */
  | { readonly op: 'addDenied' | 'removeDenied'; readonly users: readonly string[] }
  | { readonly op: 'remove' }
  /** Makes the feature exactly this, creating it if need be (what reverting a removal writes). */
  | {
      readonly op: 'restore';
      readonly data: FeatureData;
      readonly users: readonly string[];
      readonly patterns: readonly PatternSpec[];
    }
) & { readonly meta?: WriteMeta };

/**
 * What a write did. `feature` is the feature after it, without its users
 * (undefined: removed); `previousV` is the feature's version before the
 * write (-1 when unknown, e.g. a batched write that others interleaved), so
 * a process holding the users applies the change to the set it holds rather
 * than reading every user back: a write costs what it changes.
 *
 * The same holds for the patterns: `feature.patterns` absent means they are
 * the feature's patterns at `previousV` with the write's own change applied
 * (`addPattern` adds its pattern, `removePattern` removes it, `restore` sets
 * its patterns, any other op keeps them). A process that does not hold the
 * feature at `previousV` reads it back.
 */
export interface StoreWriteResult extends StoreHead {
  readonly name: string;
  /** The id of the history entry the write appended. */
  readonly entry: string;
  readonly previousV: number;
  readonly feature: ChangedFeature | undefined;
}

/** What one write did to a feature's users: the ids it added and the ids it removed. */
export interface UserChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/** What one write did to a feature's patterns: the patterns it removed, then the patterns it added. */
export interface PatternChange {
  readonly added: readonly PatternSpec[];
  readonly removed: readonly PatternSpec[];
}

/**
 * One feature read as `readSince` answers: with `changes`, the feature
 * (without its users) and what every write since the asked version did to
 * its users, oldest first (a store whose users processes do not hold may
 * leave them out); without, the feature whole, users included (when the
 * store's processes hold them) and patterns too.
 *
 * With `changes`, `feature.patterns` may be absent: then `patternChanges`
 * says what every write since did to the patterns, oldest first (empty when
 * none changed them), and the process applies them to the patterns it holds
 * as of the asked version.
 */
export interface StoreReadSince extends StoreHead {
  readonly feature: ChangedFeature | DamagedFeature | undefined;
  readonly changes?: readonly UserChange[];
  readonly patternChanges?: readonly PatternChange[];
}

/** A change announced on the feed: `name` was written at `version` of `epoch`. */
export interface StoreChange extends StoreHead {
  readonly name: string;
}

/** What a store's change feed tells its listener. */
export interface StoreListener {
  /** Someone (this process or another) wrote `change.name`. */
  change(change: StoreChange): void;
  /** Changes may have been missed (the feed (re)connected): take a snapshot. */
  resync(why: string): void;
  /** The feed failed; it keeps retrying by itself. */
  error(err: unknown): void;
}

/** One question of a lookup: which of `names` (store entries) list `unit`. */
export interface LookupQuery {
  readonly unit: string;
  readonly names: readonly string[];
}

/**
 * What a lookup answers for one query: the names that list its unit. A
 * store that could not read some names' entries (a key of another type,
 * say) names them in `unknown`: each of those decides as a failed lookup
 * does (not listed, in no segment, denied), and the other names' answers
 * stand. A plain `Set` is an answer with nothing unknown.
 *
 * @example
 * const answer: LookupAnswer = Object.assign(new Set(['beta']), { unknown: new Set(['segment staff']) });
 */
export interface LookupAnswer extends ReadonlySet<string> {
  readonly unknown?: ReadonlySet<string>;
}

/** Which list of an entry `members` reads: its listed users (a segment's units), or a feature's deny list. */
export type MemberList = 'users' | 'deny';

/** What `FeatureStore.members` is asked: one bounded page of an entry's list. */
export interface MembersQuery {
  readonly list: MemberList;
  /** Where the page starts: the `next` of the page before; absent for the first page. */
  readonly after?: string;
  /** At most this many ids (1..1,000). */
  readonly limit: number;
  /** Only the ids containing this text (case-sensitive); absent or '' for all. */
  readonly contains?: string;
}

/** One page of an entry's list, as `FeatureStore.members` answers it. */
export interface MembersPage {
  /** At most `limit` ids, distinct within the page. */
  readonly ids: readonly string[];
  /** Pass as `after` for the page that follows; absent when none follows. */
  readonly next?: string;
  /**
   * Whether the pages are in the order of the ids (`next` is the page's
   * last id): then every page holds the ids after the one before, whatever
   * was written meanwhile. Otherwise `next` is an opaque cursor into the
   * store's own order (see the store's documentation for what a write
   * between two pages does).
   */
  readonly ordered: boolean;
  /** How many ids the list holds (match `contains`), when the store knows it cheaply. */
  readonly total?: number;
}

/**
 * A store. Every call settles in bounded time (the store's own timeouts)
 * and rejects with a `HanoiError` (`HANOI_BACKEND_UNAVAILABLE` when it could
 * not reach its server, `HANOI_FEATURE_NOT_FOUND` for a write on a feature
 * that does not exist, `HANOI_FEATURE_DAMAGED` for a damaged one).
 *
 * Replies on one store are in the store's order: a reply with a lower
 * version than an earlier reply of the same epoch means the store went back
 * (a failover to a lagging replica), and the process resyncs.
 */
export interface FeatureStore {
  /** Whether processes hold the users in memory (then snapshots carry them); else `lookup` answers. */
  readonly holdsUsers: boolean;
  /** Whether the store applies `addDenied` and `removeDenied` (deny lists); absent: no. */
  readonly denyLists?: boolean;
  /** Every feature, atomically; users included when `holdsUsers`. */
  snapshot(): Promise<StoreSnapshot>;
  /** One feature; users included when `withUsers`. */
  read(name: string, withUsers: boolean): Promise<StoreRead>;
  /**
   * One feature, for a process that holds it as of version `since.version`
   * of `since.epoch`: what changed in its users (when processes hold them)
   * and patterns since (bounded: a change the store no longer has, or a big
   * one, gives the whole feature instead), so a reload costs what changed.
   * Optional: without it, `read` reloads the feature whole.
   */
  readSince?(name: string, since: StoreHead): Promise<StoreReadSince>;
  /** The store's epoch and version now (the periodic check). */
  head(): Promise<StoreHead>;
  /** Applies one write atomically and announces it on the feed. */
  write(name: string, write: StoreWrite): Promise<StoreWriteResult>;
  /** Entries of the history, newest first (see history.ts). */
  history(query: HistoryQuery): Promise<HistoryPage>;
  /**
   * For stores whose users processes do not hold: for each query, which of
   * its `names` (features' or segments' entries, or `deny <feature>` for a
   * feature's deny list) list its `unit`, all in one round trip to the
   * server; the answers are in the queries' order.
   */
  lookup?(queries: readonly LookupQuery[]): Promise<readonly LookupAnswer[]>;
  /** Every stored feature's name. */
  listNames(): Promise<string[]>;
  /** How many users `name` lists, without reading them. */
  userCount(name: string): Promise<number>;
  /**
   * One bounded page of the users (a segment's units) or the deny list of
   * entry `name` (a feature, or a segment's entry `segment <name>`), never
   * reading the whole list: what the admin page pages a million users with.
   * An entry that does not exist, or a list it does not have, is an empty
   * last page. Optional: without it, core pages what `read` returns.
   */
  members?(name: string, query: MembersQuery): Promise<MembersPage>;
  /**
   * Whether the store can be asked now. When it says no, the cache leaves
   * its background work (snapshots, checks) until the store's feed asks for
   * a resync, which it must do once it is back. Absent: always yes.
   */
  isConnected?(): boolean;
  /** Starts the change feed; returns how to stop it. */
  subscribe(listener: StoreListener): () => void;
  /** Releases what the store opened itself. */
  close(): Promise<void>;
}

/** Whether a stored entry is damaged. */
export function isDamaged<F extends ChangedFeature>(feature: F | DamagedFeature): feature is DamagedFeature {
  return 'damaged' in feature;
}
