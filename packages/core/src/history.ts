import { patternKey, type PatternSpec } from './pattern';
import type { FeatureData, StoreWrite } from './store';

/*
 * History: every successful write appends one entry, in the same atomic
 * step as the change, in the store (MemoryStore: in memory; Redis: a
 * stream under the prefix's hash tag, written by the write's own script).
 *
 * `before` and `after` hold what the write changed. Data fields (enabled,
 * percentage, variants, any other field) appear with their value before
 * and after. For users and patterns, `after.users` lists the ids the write
 * added and `before.users` the ids it removed (only those that changed:
 * registering a listed user records no id, yet still appends its entry).
 * `before: null` means the feature did not exist (a creation); `after:
 * null` that it no longer does (a removal, whose `before` is the whole
 * feature: data, users and patterns). A write that sets the whole feature
 * (reverting a removal) records whole states on both sides.
 */

/** Where a write came from. */
export type HistorySource = 'api' | 'cli' | 'admin';

/** What a write did, as its entry names it. */
export type HistoryAction =
  'create' | 'update' | 'toggle' | 'register' | 'unregister' | 'deny' | 'undeny' | 'remove' | 'restore' | 'revert';

/** Who makes a write and why: it travels with the write to the store, which records it with the change. */
export interface WriteMeta {
  /** Who: never empty. */
  readonly actor: string;
  readonly reason?: string;
  readonly source: HistorySource;
  /** The id of the entry this write reverts (its entry's action is then 'revert'). */
  readonly reverts?: string;
  /** Refuse with HANOI_CONFLICT unless the feature's latest entry has this id ('' : it has none). */
  readonly expect?: string;
}

/** One side of an entry: the fields a write changed, and the users and patterns it added (after) or removed (before). */
export interface HistoryChange {
  [field: string]: unknown;
  users?: string[];
  patterns?: PatternSpec[];
}

/** One entry of the history. */
export interface HistoryEntry {
  /** Unique within the store; orders entries (newer ids come later). */
  readonly id: string;
  /** When, in ms since 1970, by the store's clock. */
  readonly at: number;
  readonly feature: string;
  readonly action: HistoryAction;
  readonly actor: string;
  readonly reason?: string;
  readonly source: HistorySource;
  /** For `action: 'revert'`: the entry reverted. */
  readonly reverts?: string;
  /** What the write changed, before it; `null`: the feature did not exist. */
  readonly before: HistoryChange | null;
  /** What the write changed, after it; `null`: the feature no longer exists. */
  readonly after: HistoryChange | null;
}

/** Which entries to read. */
export interface HistoryQuery {
  /** Only this feature's entries. */
  readonly feature?: string;
  /** At most this many (newest first). */
  readonly limit: number;
  /** Only entries older than this id (exclusive): the next page. */
  readonly before?: string;
  /** Only the entry with this id. */
  readonly id?: string;
}

/** Entries, newest first, and how many older entries (all features together) retention has dropped. */
export interface HistoryPage {
  readonly entries: HistoryEntry[];
  readonly dropped: number;
}

/** The default retention: entries per store prefix, all features together. */
export const DEFAULT_HISTORY_LIMIT = 10_000;

/** A feature's state as replay rebuilds it. */
export interface ReplayedFeature {
  data: FeatureData;
  users: Set<string>;
  /** Keyed by flags and source. */
  patterns: Map<string, PatternSpec>;
}

/** The data fields of one side of an entry (everything but users and patterns). */
export function dataOf(change: HistoryChange): Partial<FeatureData> {
  const { users, patterns, ...data } = change;
  void users;
  void patterns;
  return data as Partial<FeatureData>;
}

/**
 * Applies one entry to a feature's state (undefined: it does not exist).
 * Replaying a feature's entries from its creation gives its state.
 *
 * @example
 * const state = entries.reverse().reduce(replay, undefined);
 */
export function replay(state: ReplayedFeature | undefined, entry: HistoryEntry): ReplayedFeature | undefined {
  if (entry.after === null) return undefined;
  const next: ReplayedFeature =
    entry.before === null || !state
      ? { data: { enabled: true, percentage: 0, variants: [] }, users: new Set(), patterns: new Map() }
      : { data: structuredClone(state.data), users: new Set(state.users), patterns: new Map(state.patterns) };
  Object.assign(next.data, structuredClone(dataOf(entry.after)));
  for (const id of entry.before?.users ?? []) next.users.delete(id);
  for (const id of entry.after.users ?? []) next.users.add(id);
  for (const p of entry.before?.patterns ?? []) next.patterns.delete(patternKey(p));
  for (const p of entry.after.patterns ?? []) next.patterns.set(patternKey(p), { ...p });
  return next;
}

/**
 * The write that undoes an entry: its `before` written back. A removal is
 * undone by recreating the feature whole (every data field, users and
 * patterns); a creation by removing it.
 *
 * @example
 * await store.write(entry.feature, { ...revertWrite(entry), meta });
 */
export function revertWrite(entry: HistoryEntry): StoreWrite {
  const { before, after } = entry;
  if (before === null) return { op: 'remove' };
  if (after === null || isWhole(before, after)) {
    return {
      op: 'restore',
      data: { enabled: true, percentage: 0, variants: [], ...dataOf(before) },
      users: before.users ?? [],
      patterns: before.patterns ?? [],
    };
  }
  if (after.users?.length) return { op: 'removeUsers', users: after.users };
  if (before.users?.length) return { op: 'addUsers', users: before.users };
  if (after.patterns?.length) return { op: 'removePattern', pattern: after.patterns[0]! };
  if (before.patterns?.length) return { op: 'addPattern', pattern: before.patterns[0]! };
  // An update records the fields it set as they were; a field it set for the first time had none, and
  // reverting it writes the value that says nothing (no rules, no constraints...), as an absent field does.
  const data = dataOf(before);
  for (const field of Object.keys(dataOf(after))) {
    if (!(field in before)) data[field] = Object.hasOwn(UNSET, field) ? structuredClone(UNSET[field]) : null;
  }
  return { op: 'update', data };
}

/** What an absent targeting field reads as, written back when a revert unsets it. */
const UNSET: Readonly<Record<string, unknown>> = { rules: [], requires: [], constraints: [], by: 'id' };

/** Whether both sides are whole features (a restore), rather than what one write changed. */
function isWhole(before: HistoryChange, after: HistoryChange): boolean {
  return Array.isArray(before.users) && Array.isArray(after.users);
}
