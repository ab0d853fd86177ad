import type { BackendListener } from './backend-events';
import type { FeatureFields, FeatureSnapshot, FeatureState } from './feature';
import type { HistoryEntry, HistoryPage, HistoryQuery, WriteMeta } from './history';
import type { PatternSpec } from './pattern';
import type { SegmentFields, SegmentSnapshot, SegmentState } from './segments';
import type { LookupAnswer, LookupQuery, MembersPage, MembersQuery } from './store';

/**
 * Where features live. A backend holds every feature's evaluable state in
 * memory (`peek`, synchronous) and keeps it current; writes go to its store
 * and, once they resolve, `peek` shows them (read your writes).
 *
 * Every write on a feature that does not exist rejects with
 * `FeatureNotFoundError` (but `addFunc`, which creates it). Arguments arrive
 * validated by `Rollout`. Every backend passes `describeBackendContract` of
 * `@hanoi/core/testing`. A new store need not implement this: it implements
 * `FeatureStore` (store.ts) and runs under core's `StoreBackend`.
 */
export interface Backend {
  /**
   * The state of `name` as this process knows it now (its `name` is `name`: a variant is picked by the state's own
   * name), or `undefined`. Never waits, never throws.
   */
  peek(name: string): FeatureState | undefined;
  /** The names of every feature this process knows now. */
  knownNames(): readonly string[];
  /**
   * For backends whose `FeatureState.users` is undefined: which of `names`
   * list `userId`, in one round trip to the store. Rejects when the store
   * cannot answer.
   */
  lookupUser?(userId: string, names: readonly string[]): Promise<ReadonlySet<string>>;
  /**
   * `lookupUser` for several units at once (a request may need a feature's
   * listed users by id and a segment's by `companyId`): for each query,
   * which of its `names` (features, or segments' entries `segment <name>`)
   * list its `unit`, in one round trip; the sets in the queries' order.
   */
  lookupUnits?(queries: readonly LookupQuery[]): Promise<readonly LookupAnswer[]>;
  /** Settles once the first state is loaded (at once for in-memory backends). */
  ready(): Promise<void>;
  /**
   * Tells `listener` of every change to the definitions this process holds,
   * from any process, and of the store going away and coming back; returns
   * the function that stops it. Optional: `rollout.watch` on a backend
   * without it hears nothing.
   */
  watch?(listener: BackendListener): () => void;

  /** A plain copy of the stored feature, users included, read from the store. */
  getFunc(name: string): Promise<FeatureSnapshot | undefined>;
  /** Every stored feature's name. */
  listFuncs(): Promise<string[]>;
  /**
   * One bounded page of entry `name`'s users (a segment's entry
   * `segment <name>`: its units) or deny list, read from the store without
   * reading the whole list. Optional: `Rollout.listIds` pages `getFunc`'s
   * copy on a backend without it.
   */
  listIds?(name: string, query: MembersQuery): Promise<MembersPage>;
  /*
   * Every write takes the `meta` its history entry records (who, why, from
   * where); the entry is appended atomically with the write.
   */
  /** Creates `name` with defaults for the fields not given, or updates the given fields. */
  addFunc(name: string, fields: FeatureFields, meta?: WriteMeta): Promise<void>;
  /** Updates fields of an existing feature. */
  update(name: string, fields: FeatureFields, meta?: WriteMeta): Promise<void>;
  /** Flips the master switch; resolves to the new value. */
  toggle(name: string, meta?: WriteMeta): Promise<boolean>;
  /** Registers users (already normalised ids). */
  registerUsers(name: string, userIds: readonly string[], meta?: WriteMeta): Promise<void>;
  /** Removes users. */
  unregisterUsers(name: string, userIds: readonly string[], meta?: WriteMeta): Promise<void>;
  /** Adds a pattern (already validated). */
  registerPattern(name: string, pattern: PatternSpec, meta?: WriteMeta): Promise<void>;
  /** Removes a pattern with the same source and flags. */
  unregisterPattern(name: string, pattern: PatternSpec, meta?: WriteMeta): Promise<void>;
  /** Deletes the feature, its users and its patterns. */
  remove(name: string, meta?: WriteMeta): Promise<void>;
  /** Entries of the history, newest first. */
  history(query: HistoryQuery): Promise<HistoryPage>;
  /** Writes back the `before` of `entry`, as a new entry; resolves to its id. */
  revert(entry: HistoryEntry, meta: WriteMeta): Promise<string>;
  /** Releases what the backend opened itself (never a client it was handed). */
  close(): Promise<void>;

  // ---- targeting: optional. A backend without these methods keeps working for
  // ids, percentages, users, patterns and variants; `Rollout` refuses rules,
  // segments, deny lists, prerequisites and `by` on it with `HANOI_UNSUPPORTED`.
  // A backend that has them stores `FeatureFields.by`, `rules` and `requires`
  // and builds `FeatureState.targeting`.

  /** The segment `name` as this process knows it now, or `undefined`. Never waits, never throws. */
  peekSegment?(name: string): SegmentState | undefined;
  /** A plain copy of a stored segment. */
  getSegment?(name: string): Promise<SegmentSnapshot | undefined>;
  /** Every stored segment's name. */
  listSegments?(): Promise<string[]>;
  /** Creates a segment, or replaces the fields given (validated). */
  defineSegment?(name: string, fields: SegmentFields, meta?: WriteMeta): Promise<void>;
  /** Adds units to a segment; `SegmentNotFoundError` when it does not exist. */
  registerSegmentUsers?(name: string, userIds: readonly string[], meta?: WriteMeta): Promise<void>;
  /** Removes units from a segment. */
  unregisterSegmentUsers?(name: string, userIds: readonly string[], meta?: WriteMeta): Promise<void>;
  /** Deletes a segment (`Rollout` has checked no rule uses it). */
  removeSegment?(name: string, meta?: WriteMeta): Promise<void>;
  /** Adds units to a feature's deny list. */
  denyUsers?(name: string, userIds: readonly string[], meta?: WriteMeta): Promise<void>;
  /** Removes units from a feature's deny list. */
  undenyUsers?(name: string, userIds: readonly string[], meta?: WriteMeta): Promise<void>;
}
