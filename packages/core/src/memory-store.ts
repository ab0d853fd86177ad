import { randomBytes } from 'node:crypto';
import { ConflictError, FeatureNotFoundError } from './errors';
import {
  DEFAULT_HISTORY_LIMIT,
  type HistoryAction,
  type HistoryChange,
  type HistoryEntry,
  type HistoryPage,
  type HistoryQuery,
  type HistorySource,
  type WriteMeta,
} from './history';
import { patternKey, type PatternSpec } from './pattern';
import { idsOf, pageOfMembers } from './members';
import type {
  FeatureData,
  FeatureStore,
  MembersPage,
  MembersQuery,
  StoredFeature,
  StoreHead,
  StoreListener,
  StoreRead,
  StoreChange,
  StoreSnapshot,
  StoreWrite,
  StoreWriteResult,
} from './store';

/** Who wrote and when, as entries record it: one object for a run of writes by one writer in one millisecond. */
interface Stamp {
  readonly at: number;
  readonly actor: string;
  readonly source: HistorySource;
  readonly reason: string | undefined;
  readonly reverts: string | undefined;
}

/** A write of users (`writeUsers`), and any other write. */
type UsersWrite = Extract<StoreWrite, { op: 'addUsers' | 'removeUsers' }>;
type OtherWrite = Exclude<StoreWrite, UsersWrite>;
const isUsersWrite = (write: StoreWrite): write is UsersWrite => write.op === 'addUsers' || write.op === 'removeUsers';

/** The ids a write of users added or removed, as held: one id as itself, more as an array only the store holds. */
type Ids = string | readonly string[];

/** One side of a held entry: what `HistoryEntry` says, or, for users, the ids (`{ users: ids }` when read). */
type Side = HistoryChange | null | Ids;

/**
 * One history entry as held: one object per write (numeric id, the stamp
 * shared, the ids of a write of users held bare), so that thousands of
 * writes leave little for the collector to copy; `entryOf` makes the
 * `HistoryEntry` when it is read.
 */
interface Held {
  readonly id: number;
  readonly stamp: Stamp;
  readonly feature: string;
  readonly action: HistoryAction;
  readonly before: Side;
  readonly after: Side;
}

const UNKNOWN: WriteMeta = Object.freeze({ actor: 'unknown', source: 'api' });
/** The side of a write of users that changed no field: shared, frozen. */
const NO_CHANGE: HistoryChange = Object.freeze({});
const NO_IDS: readonly string[] = Object.freeze([]);

/** The `HistoryEntry` of a held entry: a fresh object, frozen with what it holds. */
function entryOf(held: Held): HistoryEntry {
  const { stamp } = held;
  // Field by field, in the order the other stores give them.
  const entry: { -readonly [K in keyof HistoryEntry]: HistoryEntry[K] } = {
    id: String(held.id),
    at: stamp.at,
    feature: held.feature,
    action: held.action,
    actor: stamp.actor,
    source: stamp.source,
    before: changeOf(held.before),
    after: changeOf(held.after),
  };
  if (stamp.reason !== undefined) entry.reason = stamp.reason;
  if (stamp.reverts !== undefined) entry.reverts = stamp.reverts;
  return deepFreeze(entry); // what it shares with the store (a side of data) is frozen too: shared safely
}

function changeOf(side: Side): HistoryChange | null {
  if (typeof side === 'string') return { users: [side] };
  if (Array.isArray(side)) return { users: side.slice() };
  return side as HistoryChange | null;
}

/** Options of a `MemoryStore`. */
export interface MemoryStoreOptions {
  /** How many history entries are kept (all features together); default 10,000. */
  historyLimit?: number;
}

interface Entry {
  v: number;
  data: FeatureData;
  users: Set<string>;
  patterns: Map<string, PatternSpec>;
  /** The patterns as a frozen list, made once per change of them (undefined: to be made). */
  patternList?: readonly PatternSpec[];
}

/**
 * A store in this process's memory: what `MemoryBackend` runs on. Two
 * backends over one MemoryStore behave as two processes sharing a store
 * (the change feed reaches both), which is how the contract suite tests the
 * synchronised cache without a server. Nothing survives the process.
 *
 * @example
 * const store = new MemoryStore();
 * const a = new StoreBackend(store), b = new StoreBackend(store);
 */
export class MemoryStore implements FeatureStore {
  readonly holdsUsers = true;
  readonly denyLists = true;
  // A Map, not an object: '__proto__' and 'constructor' are ordinary names here.
  private readonly features = new Map<string, Entry>();
  private readonly listeners = new Set<StoreListener>();
  private epoch = randomBytes(8).toString('hex');
  private version = 0;
  private readonly historyLimit: number;
  /** Entries from `first` on are kept; those before it were dropped and are cut off now and then, not per write. */
  private entries: Held[] = [];
  private first = 0;
  private dropped = 0;
  private lastEntry = 0;
  /** The latest entry's who and when, shared by the entries after it while they are the same. */
  private stamp: Stamp = { at: Number.NaN, actor: '', source: 'api', reason: undefined, reverts: undefined };
  /** The id of each feature's latest entry (removed features included: a revert of a removal checks it). */
  private readonly latest = new Map<string, number>();
  /** Changes written and not yet sent to the feed's listeners. */
  private unsent: StoreChange[] = [];
  private readonly send = (): void => {
    const changes = this.unsent;
    this.unsent = [];
    for (const change of changes) for (const listener of this.listeners) listener.change(change);
  };

  constructor(options: MemoryStoreOptions = {}) {
    this.historyLimit = checkHistoryLimit(options.historyLimit);
  }

  async snapshot(): Promise<StoreSnapshot> {
    const features = [...this.features].map(([name, entry]) => this.stored(name, entry, true));
    return { ...this.now(), features };
  }

  async read(name: string, withUsers: boolean): Promise<StoreRead> {
    const entry = this.features.get(name);
    return { ...this.now(), feature: entry && this.stored(name, entry, withUsers) };
  }

  async head(): Promise<StoreHead> {
    return this.now();
  }

  async write(name: string, write: StoreWrite): Promise<StoreWriteResult> {
    return this.writeNow(name, write);
  }

  /**
   * @internal `write`, done at once: the result, or the error thrown. What
   * `StoreBackend` calls on a store in memory, so that a write costs no
   * promise of its own; the change still reaches the feed in a microtask.
   */
  writeNow(name: string, write: StoreWrite): StoreWriteResult {
    if (isUsersWrite(write)) return this.writeUsers(name, write);
    let entry = this.features.get(name);
    if (!entry && write.op !== 'add' && write.op !== 'restore') throw new FeatureNotFoundError(name);
    const meta = this.metaOf(name, write);
    const [action, before, after] = describeWrite(entry, write);
    if (!entry) {
      const defaults = write.op === 'add' ? write.defaults : write.op === 'restore' ? write.data : undefined;
      entry = { v: 0, data: frozenCopy(defaults!), users: new Set(), patterns: new Map() };
      this.features.set(name, entry);
    }
    const previousV = entry.v;
    switch (write.op) {
      case 'add':
      case 'update':
        entry.data = frozenCopy({ ...entry.data, ...write.data });
        break;
      case 'toggle':
        entry.data = frozenCopy({ ...entry.data, enabled: !entry.data.enabled });
        break;
      case 'addPattern':
        entry.patterns.set(patternKey(write.pattern), { ...write.pattern });
        entry.patternList = undefined;
        break;
      case 'removePattern':
        entry.patterns.delete(patternKey(write.pattern));
        entry.patternList = undefined;
        break;
      case 'addDenied':
      case 'removeDenied':
        entry.data = frozenCopy(withDenied(entry.data, write.op === 'addDenied', write.users));
        break;
      case 'remove':
        this.features.delete(name);
        break;
      case 'restore':
        entry.data = frozenCopy(write.data);
        entry.users = new Set(write.users);
        entry.patterns = new Map(write.patterns.map((p) => [patternKey(p), { ...p }]));
        entry.patternList = undefined;
        break;
    }
    return this.recorded(name, entry, previousV, meta, action, before, after, write.op === 'remove');
  }

  /** `writeNow` of users, the write done most often (one per `register`): a path of its own, short. */
  private writeUsers(name: string, write: UsersWrite): StoreWriteResult {
    const entry = this.features.get(name);
    if (!entry) throw new FeatureNotFoundError(name);
    const meta = this.metaOf(name, write);
    const { users } = entry;
    const previousV = entry.v;
    if (write.op === 'addUsers') {
      const added = distinct(write.users, users, false);
      for (const id of write.users) users.add(id);
      return this.recorded(name, entry, previousV, meta, 'register', NO_CHANGE, added, false);
    }
    const removed = distinct(write.users, users, true);
    for (const id of write.users) users.delete(id);
    return this.recorded(name, entry, previousV, meta, 'unregister', removed, NO_CHANGE, false);
  }

  /** The write's meta, once its `expect` holds: a conflict otherwise. */
  private metaOf(name: string, write: StoreWrite): WriteMeta {
    const meta = write.meta ?? UNKNOWN;
    if (meta.expect !== undefined) {
      const latest = this.latest.get(name);
      const id = latest === undefined ? '' : String(latest);
      if (id !== meta.expect) throw new ConflictError(name, meta.expect, id);
    }
    return meta;
  }

  /** Records a write made to `entry`: its history entry, its version, its change on the feed; returns its result. */
  private recorded(
    name: string,
    entry: Entry,
    previousV: number,
    meta: WriteMeta,
    action: HistoryAction,
    before: Side,
    after: Side,
    removed: boolean,
  ): StoreWriteResult {
    const id = ++this.lastEntry;
    const stamp = this.stampOf(meta);
    // A literal, not a class: a class's fields are defined and then set, twice the stores per entry.
    this.append({ id, stamp, feature: name, action: stamp.reverts !== undefined ? 'revert' : action, before, after });
    this.latest.set(name, id);
    const version = ++this.version;
    entry.v = version;
    // Sent in one microtask for all the writes made before it runs, in their order.
    if (this.unsent.push({ epoch: this.epoch, version, name }) === 1) void Promise.resolve().then(this.send);
    const feature = removed ? undefined : this.stored(name, entry, false);
    return { epoch: this.epoch, version, name, entry: String(id), previousV, feature };
  }

  async history(query: HistoryQuery): Promise<HistoryPage> {
    const found: HistoryEntry[] = [];
    const below = query.before === undefined ? Infinity : Number(query.before);
    for (let i = this.entries.length - 1; i >= this.first && found.length < query.limit; i--) {
      const held = this.entries[i]!;
      if (held.id >= below || (query.id !== undefined && String(held.id) !== query.id)) continue;
      if (query.feature === undefined || held.feature === query.feature) found.push(entryOf(held));
    }
    return { entries: found, dropped: this.dropped };
  }

  async listNames(): Promise<string[]> {
    return [...this.features.keys()];
  }

  async userCount(name: string): Promise<number> {
    return this.features.get(name)?.users.size ?? 0;
  }

  /** A page of the entry's users or deny list, in the order of the ids, walked in place. */
  async members(name: string, query: MembersQuery): Promise<MembersPage> {
    return pageOfMembers(idsOf(this.features.get(name), query.list), query);
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {}

  /** @internal For tests of resets: forgets everything, as a flushed store would, and starts a new epoch. */
  reset(): void {
    this.features.clear();
    this.entries = [];
    this.first = 0;
    this.latest.clear();
    this.epoch = randomBytes(8).toString('hex');
    this.version = 0;
  }

  /** The stamp of a write made now with `meta`: the latest one when they are the same (no object per write). */
  private stampOf(meta: WriteMeta): Stamp {
    const at = Date.now();
    const last = this.stamp;
    if (
      last.at === at &&
      last.actor === meta.actor &&
      last.source === meta.source &&
      last.reason === meta.reason &&
      last.reverts === meta.reverts
    ) {
      return last;
    }
    return (this.stamp = { at, actor: meta.actor, source: meta.source, reason: meta.reason, reverts: meta.reverts });
  }

  /**
   * Appends an entry made of values the store already copied (describeWrite's): kept as it is,
   * made into a `HistoryEntry` when read (a write does not pay for it).
   */
  private append(entry: Held): void {
    this.entries.push(entry);
    const kept = this.entries.length - this.first;
    if (kept > this.historyLimit) {
      this.first += kept - this.historyLimit;
      this.dropped += kept - this.historyLimit;
      // Cut the dropped ones off once they are as many as the kept ones: each write pays O(1) on average.
      if (this.first >= this.historyLimit) {
        this.entries.splice(0, this.first);
        this.first = 0;
      }
    }
  }

  private now(): StoreHead {
    return { epoch: this.epoch, version: this.version };
  }

  private stored(name: string, entry: Entry, withUsers: boolean): StoredFeature {
    const stored = {
      name,
      v: entry.v,
      data: entry.data, // frozen: shared safely
      // Frozen and kept until the patterns change: a write of users does not copy them.
      patterns: (entry.patternList ??= deepFreeze([...entry.patterns.values()].map((p) => ({ ...p })))),
      userCount: entry.users.size,
    };
    return withUsers ? { ...stored, users: [...entry.users] } : stored;
  }
}

/** `data` with `users` added to (or removed from) its deny list, as `StoreWrite` describes it. */
function withDenied(data: FeatureData, add: boolean, users: readonly string[]): FeatureData {
  const deny = new Set(Array.isArray(data.deny) ? (data.deny as string[]) : []);
  for (const id of users) {
    if (add) deny.add(id);
    else deny.delete(id);
  }
  const { deny: _old, ...rest } = data;
  return deny.size > 0 ? { ...rest, deny: [...deny].sort() } : (rest as FeatureData);
}

/**
 * A deep, frozen copy of JSON data: what is stored never shares a mutable
 * object with a caller, so it can be handed out without copying on every
 * read (a write costs what it changes).
 */
function frozenCopy<T>(value: T): T {
  return deepFreeze(JSON.parse(JSON.stringify(value)) as T);
}

/** Freezes `value` and what it holds; a frozen object is one this store froze, whole, and is skipped. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** A store's `historyLimit`: an integer of at least 1 (default 10,000); anything else is a TypeError. */
export function checkHistoryLimit(limit: unknown): number {
  if (limit === undefined) return DEFAULT_HISTORY_LIMIT;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 10_000_000) {
    throw new TypeError(
      `historyLimit must be an integer from 1 to 10,000,000; got ${typeof limit === 'number' ? limit : typeof limit}.`,
    );
  }
  return limit;
}

const whole = (entry: Entry): HistoryChange => ({
  ...entry.data, // frozen: shared safely
  users: [...entry.users],
  patterns: [...entry.patterns.values()].map((p) => ({ ...p })),
});

/**
 * `ids` without repeats, in their order, that `users` has (`listed`) or has
 * not, as a side of a held entry keeps them: one id as itself, none as `NO_IDS`,
 * more as a fresh array.
 */
function distinct(ids: readonly string[], users: ReadonlySet<string>, listed: boolean): Ids {
  if (ids.length === 1) return users.has(ids[0]!) === listed ? ids[0]! : NO_IDS;
  const found = [...new Set(ids)].filter((id) => users.has(id) === listed);
  return found.length === 0 ? NO_IDS : found;
}

/** The fields of `data` that `entry` has, with its values: the `before` of a write of `data`. */
function fieldsOf(entry: Entry | undefined, data: object): HistoryChange {
  const before: HistoryChange = {};
  for (const field of Object.keys(data)) if (entry && field in entry.data) before[field] = entry.data[field];
  return before;
}

/**
 * What a write will change, worked out before it is applied: its action, `before` and `after` (see history.ts).
 * Writes of users are `writeUsers`'.
 */
function describeWrite(entry: Entry | undefined, write: OtherWrite): [HistoryAction, Side, Side] {
  switch (write.op) {
    case 'add':
      if (!entry)
        return ['create', null, { ...frozenCopy(write.defaults), ...frozenCopy(write.data), users: [], patterns: [] }];
      return ['update', fieldsOf(entry, write.data), frozenCopy(write.data)];
    case 'update':
      return ['update', fieldsOf(entry, write.data), frozenCopy(write.data)];
    case 'toggle':
      return ['toggle', { enabled: entry!.data.enabled }, { enabled: !entry!.data.enabled }];
    case 'addPattern':
      return [
        'register',
        {},
        { patterns: entry!.patterns.has(patternKey(write.pattern)) ? [] : [{ ...write.pattern }] },
      ];
    case 'removePattern':
      return [
        'unregister',
        { patterns: entry!.patterns.has(patternKey(write.pattern)) ? [{ ...write.pattern }] : [] },
        {},
      ];
    case 'addDenied':
    case 'removeDenied': {
      // Recorded as the change of the data field `deny` (null: none), as the Redis store records it.
      const next = withDenied(entry!.data, write.op === 'addDenied', write.users).deny ?? null;
      const action = write.op === 'addDenied' ? 'deny' : 'undeny';
      return [action, { deny: entry!.data.deny ?? null }, { deny: next }];
    }
    case 'remove':
      return ['remove', whole(entry!), null];
    case 'restore':
      return [
        'restore',
        entry ? whole(entry) : null,
        { ...frozenCopy(write.data), users: [...write.users], patterns: write.patterns.map((p) => ({ ...p })) },
      ];
  }
}
