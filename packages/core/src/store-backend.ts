import { debuglog } from 'node:util';
import type { Backend } from './backend';
import { BackendListeners, type BackendListener } from './backend-events';
import { FeatureDamagedError, FeatureNotFoundError, SegmentNotFoundError, UnsupportedError } from './errors';
import { revertWrite, type HistoryEntry, type HistoryPage, type HistoryQuery, type WriteMeta } from './history';
import { AnswerCache, checkLookupAnswers } from './answer-cache';
import { changePatterns, compilePatterns, FeatureCache } from './feature-cache';
import { variantPickOf } from './evaluate';
import type { FeatureFields, FeatureSnapshot, FeatureState, Variant } from './feature';
import { LookupLimiter, type LookupLimits } from './lookup-limiter';
import { idsOf, pageOfMembers } from './members';
import { MemoryStore } from './memory-store';
import type { CompiledPattern, PatternSpec } from './pattern';
import { createReporter, type ErrorReporter, type Logger } from './reporter';
import { cloneJson } from './variant-value';
import type { SegmentFields, SegmentSnapshot, SegmentState } from './segments';
import {
  denyEntry,
  entryOwner,
  isFeatureEntry,
  segmentData,
  segmentEntry,
  segmentOf,
  segmentSnapshot,
  segmentState,
  snapshotData,
  targetingOf,
} from './store-targeting';
import {
  isDamaged,
  type ChangedFeature,
  type DamagedFeature,
  type FeatureData,
  type FeatureStore,
  type LookupAnswer,
  type LookupQuery,
  type MembersPage,
  type MembersQuery,
  type PatternChange,
  type StoreChange,
  type StoreHead,
  type StoredFeature,
  type StoreReadSince,
  type StoreWrite,
  type StoreWriteResult,
} from './store';

const debug = debuglog('hanoi:sync');

/** What a feature is created with: enabled, 0%, no variants. */
export const DEFAULT_FEATURE: FeatureData = { enabled: true, percentage: 0, variants: [] };

/** Options of a `StoreBackend`: the synchronised cache over a store. */
export interface StoreBackendOptions {
  /** Where failures are reported, once per outage; `console` by default (a Rollout's logger replaces it). */
  logger?: Logger;
  /** Called once per outage with the error. */
  onError?: (error: unknown) => void;
  /** How often the epoch and version are compared with the store's; `false`: never. Default 5000 ms. */
  resyncIntervalMs?: number | false;
  /** `ready()` resolves after this long even when the store cannot be reached; default 5000 ms. */
  readyTimeoutMs?: number;
  /** Features to answer from before the first load (as `getFunc` returns them). */
  bootstrap?: readonly FeatureSnapshot[];
  /** Bounds on user lookups while the store hangs. */
  lookups?: Partial<LookupLimits>;
  /**
   * For a store whose users processes do not hold: how many lookup answers
   * (whether a feature or segment lists a unit) are kept, each until its
   * feature or segment changes, so a user checked again costs no round
   * trip. A kept answer follows another process's change to the list within
   * the propagation bound (as every other change does), this process's own
   * at once, and stands while the store is away. Default 0: none kept, every
   * check asks the store.
   */
  lookupAnswers?: number;
}

/**
 * The synchronised cache: a `Backend` over any `FeatureStore`. It holds
 * every feature in memory (`peek` never waits) and keeps it current:
 * - a full snapshot on start, whenever the feed says changes may have been
 *   missed, on a version gap, and on a new epoch or a store that went back
 *   (a flush, a deleted counter, a restart without persistence, a failover);
 * - for each change on the feed, a reload of that feature only, unless a
 *   write of this process on it is running (its reply usually covers it);
 * - every `resyncIntervalMs`, the store's epoch and version compared with
 *   its own, so a process converges even when no message comes.
 * A write resolves once its result is held (read your writes), whatever the
 * store's counter did. Background failures are reported once per outage; a
 * damaged feature once, with its name. `watch` listeners hear every change
 * the cache applies (own writes, feed messages, snapshot differences), the
 * store or its feed failing, and a full snapshot held again after that.
 *
 * @example
 * class MyBackend extends StoreBackend { constructor() { super(new MyStore()); } }
 */
export class StoreBackend implements Backend {
  /** Which of `names` list `userId`; present when the store keeps users (processes do not hold them). */
  readonly lookupUser?: (userId: string, names: readonly string[]) => Promise<ReadonlySet<string>>;
  /** For each query, which of its names list its unit, in one bounded lookup; present with `lookupUser`. */
  readonly lookupUnits?: (queries: readonly LookupQuery[]) => Promise<readonly LookupAnswer[]>;
  protected readonly cache = new FeatureCache();
  private readonly listeners = new BackendListeners();
  private reporter: ErrorReporter;
  private logger: Logger;
  private onError: ((error: unknown) => void) | undefined;
  private readonly ownLogger: boolean;
  private readonly ownOnError: boolean;
  private readonly reportedDamage = new Set<string>();
  /** The epoch of what is held (undefined before the first reply) and the version of the latest reply in it. */
  private epoch: string | undefined;
  private lastVersion = -1;
  /** The version the cache is complete up to in `epoch` (-1: needs a snapshot). */
  private complete = -1;
  private resyncing: Promise<void> | undefined;
  private again = false;
  private seenDuringResync: StoreHead | undefined;
  /** Store requests whose replies may still come: tombstones live while any does. */
  private inflight = 0;
  private readonly loading = new Map<string, boolean>();
  private readonly writing = new Map<string, number>();
  private readonly deferred = new Map<string, number>();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly readyPromise: Promise<void>;
  private markReady!: () => void;
  private readonly unsubscribe: () => void;
  private closed = false;
  /** The store's synchronous write, when it has one (a store in this process's memory). */
  private readonly writeNow: ((name: string, change: StoreWrite) => StoreWriteResult) | undefined;
  /** What lookups answered, while the feature or segment each was asked under stays as it was. */
  private readonly answers: AnswerCache | undefined;

  constructor(
    readonly store: FeatureStore,
    options: StoreBackendOptions = {},
  ) {
    this.logger = options.logger ?? console;
    this.onError = options.onError;
    this.ownLogger = options.logger !== undefined;
    this.ownOnError = options.onError !== undefined;
    this.reporter = createReporter(this.logger, this.onError);
    // A MemoryStore writes at once; one whose `write` a subclass replaced (to inject a fault) is used through it.
    if (store instanceof MemoryStore && store.write === MemoryStore.prototype.write)
      this.writeNow = store.writeNow.bind(store);
    this.cache.onChange = (names) => {
      const answers = this.answers;
      if (answers) {
        // A feature gone (removed, damaged): its answers go with it.
        for (const name of names) {
          if (this.cache.get(name) === undefined) {
            answers.drop(name);
            answers.drop(denyEntry(name));
          }
        }
      }
      this.listeners.changed(names);
    };
    this.cache.seed((options.bootstrap ?? []).map(stateOf));
    this.readyPromise = new Promise<void>((resolve) => (this.markReady = resolve));
    const readyTimer = setTimeout(() => this.markReady(), options.readyTimeoutMs ?? 5000);
    readyTimer.unref?.();
    void this.readyPromise.then(() => clearTimeout(readyTimer));
    let limiter: LookupLimiter | undefined;
    if (!store.holdsUsers && store.lookup) {
      const lookups = new LookupLimiter(store.lookup.bind(store), options.lookups);
      const most = checkLookupAnswers(options.lookupAnswers);
      // Without answers to keep (the default), a lookup goes straight to the limiter, as nothing is known.
      let ask = (queries: readonly LookupQuery[]) => lookups.lookup(queries);
      if (most > 0) {
        const answers = new AnswerCache(most);
        this.answers = answers;
        ask = (queries) => this.lookupKnown(lookups, answers, queries);
      }
      this.lookupUnits = ask;
      this.lookupUser = async (userId, names) => (await ask([{ unit: userId, names }]))[0]!;
      limiter = lookups;
    }
    this.unsubscribe = store.subscribe({
      change: (change) => this.onChange(change),
      resync: (why) => {
        limiter?.resume(); // the store is back: lookups need not wait out a pause
        this.requestResync(why);
      },
      error: (err) => this.failed(err, 'The change feed'),
    });
    const interval = options.resyncIntervalMs ?? 5000;
    if (interval !== false) {
      this.timer = setInterval(() => void this.check(), interval);
      this.timer.unref?.();
    }
    this.requestResync('start');
  }

  /**
   * @internal Sends reports to the `logger` and `onError` a Rollout was given
   * (given once there), unless the backend was given its own.
   */
  useReporter(logger: Logger | undefined, onError?: (error: unknown) => void): void {
    if (logger && !this.ownLogger) this.logger = logger;
    if (onError && !this.ownOnError) this.onError = onError;
    this.reporter = createReporter(this.logger, this.onError);
  }

  /** The state this process holds for `name`: never waits, never throws. */
  peek(name: string): FeatureState | undefined {
    return this.cache.get(name);
  }

  knownNames(): readonly string[] {
    return this.cache.names().filter(isFeatureEntry);
  }

  /** @internal How many entries the cache holds, lookup answers' included (a removed feature leaves none). */
  get cacheSize(): number {
    return this.cache.size + (this.answers?.entryCount ?? 0);
  }

  /** @internal How many lookup answers are held. */
  get answerCount(): number {
    return this.answers?.size ?? 0;
  }

  /**
   * Tells `listener` of every change to what this process holds (its own
   * writes, other processes' as the feed or a snapshot brings them), of the
   * store or its feed failing, and of a full snapshot held again after that;
   * returns the function that stops it.
   *
   * @example
   * backend.watch({ changed: (names) => console.log(names), unavailable: () => console.warn('stale') });
   */
  watch(listener: BackendListener): () => void {
    return this.listeners.add(listener);
  }

  /** Resolves once the first snapshot is held, or after `readyTimeoutMs`; never rejects. */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  async getFunc(name: string): Promise<FeatureSnapshot | undefined> {
    const read = await this.request(() => this.store.read(name, true));
    this.observe(read);
    const { feature } = read;
    if (feature && isDamaged(feature)) throw this.damaged(feature);
    if (!feature) {
      this.applyRemoval(name, read.version);
      return undefined;
    }
    this.cache.apply(name, feature.v, this.build(feature, this.store.holdsUsers ? feature.users : undefined));
    return snapshotOf(feature);
  }

  async listFuncs(): Promise<string[]> {
    return (await this.request(() => this.store.listNames())).filter(isFeatureEntry);
  }

  /** How many users `name` lists, from the store, without reading them. */
  userCount(name: string): Promise<number> {
    return this.request(() => this.store.userCount(name));
  }

  /**
   * One page of entry `name`'s users (a segment's units) or deny list: the
   * store's bounded read, or, for a store without one, a page of what
   * `read` returns.
   */
  async listIds(name: string, query: MembersQuery): Promise<MembersPage> {
    const store = this.store;
    if (store.members) return this.request(() => store.members!(name, query));
    const { feature } = await this.request(() => store.read(name, true));
    if (feature && isDamaged(feature)) throw this.damaged(feature);
    return pageOfMembers(idsOf(feature, query.list), query);
  }

  addFunc(name: string, fields: FeatureFields, meta?: WriteMeta): Promise<void> {
    return this.writeVoid(name, { op: 'add', data: { ...fields }, defaults: DEFAULT_FEATURE, meta });
  }

  update(name: string, fields: FeatureFields, meta?: WriteMeta): Promise<void> {
    return this.writeVoid(name, { op: 'update', data: { ...fields }, meta });
  }

  async toggle(name: string, meta?: WriteMeta): Promise<boolean> {
    return (await this.write(name, { op: 'toggle', meta })).feature!.data.enabled;
  }

  registerUsers(name: string, userIds: readonly string[], meta?: WriteMeta): Promise<void> {
    return this.writeVoid(name, { op: 'addUsers', users: userIds, meta });
  }

  unregisterUsers(name: string, userIds: readonly string[], meta?: WriteMeta): Promise<void> {
    return this.writeVoid(name, { op: 'removeUsers', users: userIds, meta });
  }

  registerPattern(name: string, pattern: PatternSpec, meta?: WriteMeta): Promise<void> {
    return this.writeVoid(name, { op: 'addPattern', pattern, meta });
  }

  unregisterPattern(name: string, pattern: PatternSpec, meta?: WriteMeta): Promise<void> {
    return this.writeVoid(name, { op: 'removePattern', pattern, meta });
  }

  remove(name: string, meta?: WriteMeta): Promise<void> {
    return this.writeVoid(name, { op: 'remove', meta });
  }

  /** Entries of the store's history, newest first. */
  history(query: HistoryQuery): Promise<HistoryPage> {
    return this.request(() => this.store.history(query));
  }

  /** Writes back the `before` of `entry` as a new entry; `meta.expect` makes it conditional. Resolves to the new entry's id. */
  async revert(entry: HistoryEntry, meta: WriteMeta): Promise<string> {
    return (await this.write(entry.feature, { ...revertWrite(entry), meta })).entry;
  }

  // ---- targeting: deny lists are a StoreWrite op, segments entries of their own (store-targeting.ts)

  async denyUsers(name: string, userIds: readonly string[], meta?: WriteMeta): Promise<void> {
    this.assertTargeting('deny lists', this.store.denyLists === true);
    await this.write(name, { op: 'addDenied', users: userIds, meta });
  }

  async undenyUsers(name: string, userIds: readonly string[], meta?: WriteMeta): Promise<void> {
    this.assertTargeting('deny lists', this.store.denyLists === true);
    await this.write(name, { op: 'removeDenied', users: userIds, meta });
  }

  /**
   * The segment `name` as this process holds it; `undefined` when there is
   * none. On a store whose users processes do not hold, its users are
   * `undefined` (a request looks the unit up). A damaged segment is held as
   * `unknown`: no unit is known to be in it or out of it.
   */
  peekSegment(name: string): SegmentState | undefined {
    const entry = segmentEntry(name);
    const state = this.cache.get(entry);
    if (state === undefined && this.cache.damage(entry) !== undefined) {
      return { name, users: undefined, hasUsers: false, constraints: [], unknown: true };
    }
    return segmentState(name, state);
  }

  /** A plain copy of the stored segment, its users read from the store. */
  async getSegment(name: string): Promise<SegmentSnapshot | undefined> {
    const { feature } = await this.request(() => this.store.read(segmentEntry(name), true));
    if (feature && isDamaged(feature)) throw this.damaged(feature);
    return feature && segmentSnapshot(name, feature);
  }

  /** Every stored segment's name. */
  async listSegments(): Promise<string[]> {
    const names = await this.request(() => this.store.listNames());
    return names.map(segmentOf).filter((name): name is string => name !== undefined);
  }

  /** Creates a segment, or replaces the fields given; replacing its users writes what differs. */
  async defineSegment(name: string, fields: SegmentFields, meta?: WriteMeta): Promise<void> {
    const entry = segmentEntry(name);
    const result = await this.write(entry, {
      op: 'add',
      data: segmentData(fields.constraints),
      defaults: DEFAULT_FEATURE,
      meta,
    });
    if (!fields.users) return;
    const wanted = new Set(fields.users);
    let held: ReadonlySet<string> = this.cache.get(entry)?.users ?? new Set<string>();
    if (!this.store.holdsUsers && result.feature && result.feature.userCount > 0) {
      // The users live in the store only: what it lists now decides what to remove and add.
      const read = await this.request(() => this.store.read(entry, true));
      const stored = read.feature && !isDamaged(read.feature) ? read.feature.users : undefined;
      held = new Set(stored ?? []);
    }
    const gone = result.feature && result.feature.userCount > 0 ? [...held].filter((id) => !wanted.has(id)) : [];
    if (gone.length > 0) await this.write(entry, { op: 'removeUsers', users: gone, meta });
    const added = [...wanted].filter((id) => !held.has(id));
    if (added.length > 0) await this.write(entry, { op: 'addUsers', users: added, meta });
  }

  async registerSegmentUsers(name: string, userIds: readonly string[], meta?: WriteMeta): Promise<void> {
    await this.segmentWrite(name, 'addUsers', userIds, meta);
  }

  async unregisterSegmentUsers(name: string, userIds: readonly string[], meta?: WriteMeta): Promise<void> {
    await this.segmentWrite(name, 'removeUsers', userIds, meta);
  }

  async removeSegment(name: string, meta?: WriteMeta): Promise<void> {
    await this.segmentWrite(name, 'remove', [], meta);
  }

  private async segmentWrite(
    name: string,
    op: 'addUsers' | 'removeUsers' | 'remove',
    users: readonly string[],
    meta: WriteMeta | undefined,
  ) {
    try {
      await this.write(segmentEntry(name), op === 'remove' ? { op, meta } : { op, users, meta });
    } catch (err) {
      throw err instanceof FeatureNotFoundError ? new SegmentNotFoundError(name) : err;
    }
  }

  private assertTargeting(what: string, supported: boolean): void {
    if (!supported) throw new UnsupportedError(what, this.constructor.name);
  }

  /** Stops syncing and closes what the store opened itself. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe();
    this.markReady();
    await this.store.close();
  }

  // ---- writes -------------------------------------------------------------

  /**
   * A write whose caller wants no result. On a store that writes at once
   * (MemoryStore) with no other request in flight, it is done before this
   * returns, with no promise but the one returned; its errors still reject,
   * never throw.
   */
  private writeVoid(name: string, change: StoreWrite): Promise<void> {
    if (!this.writeNow || this.inflight > 0) return this.write(name, change).then(ignore);
    try {
      this.writeAtOnce(this.writeNow, name, change);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private async write(name: string, change: StoreWrite): Promise<StoreWriteResult> {
    if (this.writeNow && this.inflight === 0) return this.writeAtOnce(this.writeNow, name, change);
    this.writing.set(name, (this.writing.get(name) ?? 0) + 1);
    try {
      const result = await this.request(() => this.store.write(name, change));
      this.applyWrite(result, change);
      return result;
    } catch (err) {
      if (err instanceof FeatureDamagedError) this.damaged({ name, damaged: err.message });
      if (err instanceof FeatureNotFoundError && this.cache.get(name)) void this.load(name);
      throw err;
    } finally {
      const left = this.writing.get(name)! - 1;
      if (left > 0) this.writing.set(name, left);
      else {
        this.writing.delete(name);
        // A message for this feature came while the write ran: reload unless the reply covered it.
        const version = this.deferred.get(name);
        this.deferred.delete(name);
        if (version !== undefined && version > this.cache.versionOf(name)) void this.load(name);
      }
    }
  }

  /**
   * `write` on a store that answers at once: nothing can come between the
   * store's change and the cache's (its feed message comes later, in a
   * microtask), so it needs neither the deferral of messages nor a promise.
   * Only while no other request is in flight: replies come in the order the
   * store made them (a reply older than one already held means a reset),
   * and a write done at once would overtake the replies of those.
   */
  private writeAtOnce(
    writeNow: (name: string, change: StoreWrite) => StoreWriteResult,
    name: string,
    change: StoreWrite,
  ): StoreWriteResult {
    let result: StoreWriteResult;
    this.inflight++;
    try {
      result = writeNow(name, change);
    } catch (err) {
      if (err instanceof FeatureDamagedError) this.damaged({ name, damaged: err.message });
      if (err instanceof FeatureNotFoundError && this.cache.get(name)) void this.load(name);
      throw err;
    } finally {
      if (--this.inflight === 0) this.cache.dropTombstones();
    }
    this.applyWrite(result, change);
    return result;
  }

  /** Holds what a write did: at once, so the writer reads it, even across a reset of the store. */
  private applyWrite(result: StoreWriteResult, change: StoreWrite): void {
    // After a reset (not fresh) every held version was forgotten: the result applies, and a snapshot follows.
    const fresh = this.observe(result);
    const { name, feature } = result;
    if (!feature) {
      this.applyRemoval(name, result.version);
      return;
    }
    const held = this.cache.get(name);
    // Exact when what is held is the feature just before this write: the
    // change is applied to it, whatever its size (a write costs what it changes).
    const exact = fresh && held !== undefined && this.cache.versionOf(name) === result.previousV;
    let users: Set<string> | undefined;
    if (this.store.holdsUsers) {
      users = held?.users instanceof Set ? (held.users as Set<string>) : new Set<string>();
      if (!exact && feature.userCount > 0) users = new Set(users); // a guess for now; the reload below replaces it
      if (change.op === 'addUsers') for (const id of change.users) users.add(id);
      if (change.op === 'removeUsers') for (const id of change.users) users.delete(id);
      if (change.op === 'restore') users = new Set(change.users);
    }
    const usersOnly = change.op === 'addUsers' || change.op === 'removeUsers';
    if (exact && usersOnly && users !== undefined && held.users === users && held.hasUsers === feature.userCount > 0) {
      // Only the users changed, in the held set itself: the held state is still this write's.
      this.cache.apply(name, feature.v, held);
      return;
    }
    // Patterns left out of the result: those held with the write's own change (exact when the users are).
    let patterns: readonly CompiledPattern[] | undefined;
    if (!feature.patterns) {
      if (change.op === 'restore') patterns = compilePatterns(change.patterns, held?.patterns);
      else patterns = changePatterns(held?.patterns ?? [], patternChangeOf(change));
    }
    const state = this.build(feature, users, held, patterns);
    const usersKnown = !this.store.holdsUsers || feature.userCount === 0;
    const patternsKnown = feature.patterns !== undefined;
    if (exact || change.op === 'restore' || (usersKnown && patternsKnown)) {
      if (this.cache.apply(name, feature.v, state) && exact && held !== undefined && this.answers) {
        carryAnswers(this.answers, name, held, state, change);
      }
      return;
    }
    // Held just below the write's version, so the reload's reply (the whole feature) replaces it.
    this.cache.apply(name, feature.v - 0.5, state);
    void this.load(name);
  }

  // ---- the feed, reloads and snapshots --------------------------------------

  /**
   * Compares a reply's epoch and version with what is held. A new epoch, or
   * a version below an earlier reply's, means the store was reset behind
   * this process's back: every held version is forgotten (what is held
   * keeps answering) and a snapshot is taken. Returns false then.
   */
  private observe(head: StoreHead): boolean {
    if (head.epoch === this.epoch && head.version >= this.lastVersion) {
      this.lastVersion = head.version;
      return true;
    }
    if (this.epoch !== undefined)
      debug('store reset: %s@%d after %s@%d', head.epoch, head.version, this.epoch, this.lastVersion);
    this.epoch = head.epoch;
    this.lastVersion = head.version;
    this.complete = -1;
    this.cache.forgetVersions();
    this.answers?.clear();
    this.requestResync('a new epoch, or the store went back');
    return false;
  }

  private onChange(change: StoreChange): void {
    if (this.closed) return;
    const { epoch, version, name } = change;
    if (this.resyncing) {
      // The snapshot in flight covers what came before it; a reload sent now is answered after it.
      if (!this.seenDuringResync || this.seenDuringResync.epoch !== epoch || this.seenDuringResync.version < version) {
        this.seenDuringResync = { epoch, version };
      }
      void this.load(name);
      return;
    }
    if (epoch !== this.epoch) return this.requestResync('a change of another epoch');
    if (this.complete < 0 || version > this.complete + 1) return this.requestResync(`gap at ${version}`);
    if (version <= this.complete) return; // an older message: the snapshot had it
    this.complete = version;
    if (this.writing.has(name)) this.deferred.set(name, Math.max(version, this.deferred.get(name) ?? -1));
    else if (version > this.cache.versionOf(name)) void this.load(name);
  }

  /** Asks for a full snapshot; coalesces with one in flight. */
  private requestResync(why: string): void {
    if (this.closed) return;
    debug('resync requested: %s', why);
    if (this.resyncing) {
      this.again = true;
      return;
    }
    this.resyncing = this.resync().finally(() => {
      this.resyncing = undefined;
      if (this.again) {
        this.again = false;
        this.requestResync('again');
      }
    });
  }

  private async resync(): Promise<void> {
    this.seenDuringResync = undefined;
    if (this.store.isConnected?.() === false) {
      this.complete = -1;
      return; // the store's feed asks again once it is back
    }
    try {
      const snapshot = await this.request(() => this.store.snapshot());
      if (this.closed) return;
      const damaged = new Map<string, string>();
      const features: StoredFeature[] = [];
      for (const feature of snapshot.features) {
        if (isDamaged(feature)) {
          damaged.set(feature.name, feature.damaged);
          this.damaged(feature);
        } else features.push(feature);
      }
      const holds = this.store.holdsUsers;
      this.cache.replaceAll(features, damaged, (feature, previous) =>
        this.build(feature, holds ? (feature.users ?? []) : undefined, previous),
      );
      for (const name of [...this.reportedDamage]) if (!damaged.has(name)) this.reportedDamage.delete(name);
      this.epoch = snapshot.epoch;
      this.lastVersion = snapshot.version;
      const seen = this.seenDuringResync as StoreHead | undefined; // set by messages meanwhile
      this.complete = snapshot.version;
      if (seen && seen.epoch === snapshot.epoch) this.complete = Math.max(snapshot.version, seen.version);
      else if (seen) this.again = true;
      debug('snapshot %s@%d: %d features', snapshot.epoch, snapshot.version, features.length);
      this.reporter.recovered('Loading features');
      this.listeners.available();
      this.markReady();
    } catch (err) {
      this.complete = -1;
      this.failed(err, 'Loading features');
    }
  }

  /**
   * Reloads one feature. Messages for a feature already being reloaded
   * coalesce into one more reload after it: a burst of writes costs a few
   * reloads, not one each.
   */
  private async load(name: string): Promise<void> {
    if (this.loading.has(name)) {
      this.loading.set(name, true);
      return;
    }
    this.loading.set(name, false);
    try {
      if (this.store.isConnected?.() === false) {
        this.complete = -1; // a snapshot follows the reconnection
        return;
      }
      // Held as of a version the store can name: ask for what changed since, not for every user and pattern.
      const heldV = this.cache.versionOf(name);
      const held = this.cache.get(name);
      const since =
        this.store.readSince &&
        held !== undefined &&
        (!this.store.holdsUsers || held.users instanceof Set) &&
        Number.isInteger(heldV) &&
        heldV > 0
          ? { epoch: this.epoch ?? '', version: heldV }
          : undefined;
      const read: StoreReadSince = await this.request<StoreReadSince>(() =>
        since ? this.store.readSince!(name, since) : this.store.read(name, this.store.holdsUsers),
      );
      this.observe(read);
      const { feature, changes } = read;
      if (!feature) this.applyRemoval(name, read.version);
      else if (isDamaged(feature)) this.damaged(feature);
      else if (changes) {
        // Applied to what is held only if it is still what the changes start from; else one more reload.
        if (this.cache.versionOf(name) !== since!.version || this.cache.get(name) !== held) {
          if (feature.v > this.cache.versionOf(name)) this.loading.set(name, true);
        } else {
          let users: Set<string> | undefined;
          if (this.store.holdsUsers) {
            users = held!.users as Set<string>;
            for (const change of changes) {
              for (const id of change.removed) users.delete(id);
              for (const id of change.added) users.add(id);
            }
          }
          const patterns = feature.patterns ? undefined : changePatterns(held!.patterns, read.patternChanges ?? []);
          if (this.cache.apply(name, feature.v, this.build(feature, users, held, patterns))) {
            this.reportedDamage.delete(name);
          }
        }
      } else {
        const state = this.build(feature, this.store.holdsUsers ? (feature.users ?? []) : undefined);
        if (this.cache.apply(name, feature.v, state)) this.reportedDamage.delete(name);
      }
    } catch (err) {
      this.complete = -1;
      this.failed(err, 'Reloading a feature');
      this.requestResync('a reload failed');
    } finally {
      const again = this.loading.get(name);
      this.loading.delete(name);
      if (again && !this.closed) void this.load(name);
    }
  }

  /** The periodic check: resync on a reset, or when the store moved on without a message. */
  private async check(): Promise<void> {
    if (this.closed || this.resyncing || this.store.isConnected?.() === false) return;
    if (this.complete < 0) return this.requestResync('not loaded');
    try {
      const head = await this.request(() => this.store.head());
      if (!this.observe(head) || head.version <= this.complete) return;
      // Give messages in flight a moment before paying for a snapshot.
      const grace = setTimeout(() => {
        if (this.complete < head.version) this.requestResync(`behind: ${this.complete} < ${head.version}`);
      }, 200);
      grace.unref?.();
    } catch (err) {
      this.failed(err, 'Checking the store version');
    }
  }

  /**
   * Answers `queries` from the answers held where it can, and asks the store
   * (once, through the limiter) only what is not known. An answer is kept
   * only when the feature or segment it was asked under is the same when
   * the reply comes, and not when the store could not read the entry.
   */
  private lookupKnown(
    limiter: LookupLimiter,
    answers: AnswerCache,
    queries: readonly LookupQuery[],
  ): Promise<readonly LookupAnswer[]> {
    const found: (Set<string> & { unknown?: ReadonlySet<string> })[] = [];
    let asked: { index: number; unit: string; names: string[]; states: (FeatureState | undefined)[] }[] | undefined;
    for (let i = 0; i < queries.length; i++) {
      const { unit, names } = queries[i]!;
      const listed = new Set<string>();
      let missing: string[] | undefined;
      let states: (FeatureState | undefined)[] | undefined;
      for (const name of names) {
        const state = this.cache.get(entryOwner(name));
        const known = state === undefined ? undefined : answers.get(name, state, unit);
        if (known === true) listed.add(name);
        else if (known === undefined) {
          (missing ??= []).push(name);
          (states ??= []).push(state);
        }
      }
      found.push(listed);
      if (missing) (asked ??= []).push({ index: i, unit, names: missing, states: states! });
    }
    if (!asked) return Promise.resolve(found);
    const ask = asked;
    return limiter.lookup(ask.map(({ unit, names }) => ({ unit, names }))).then((replies) => {
      for (let j = 0; j < ask.length; j++) {
        const { index, unit, names, states } = ask[j]!;
        const reply: LookupAnswer = replies[j] ?? new Set<string>();
        const listed = found[index]!;
        for (let k = 0; k < names.length; k++) {
          const name = names[k]!;
          const has = reply.has(name);
          if (has) listed.add(name);
          const state = states[k];
          if (state !== undefined && reply.unknown?.has(name) !== true && this.cache.get(entryOwner(name)) === state) {
            answers.set(name, state, unit, has);
          }
        }
        if (reply.unknown) listed.unknown = reply.unknown;
      }
      return found;
    });
  }

  /**
   * Holds that `name` is gone as of `version`. Its tombstone lasts while a
   * request sent before the removal may still answer; the request that
   * brought the removal has settled by now (`request` drops tombstones as
   * it settles, before its caller applies the reply), so with no other out
   * the tombstone goes at once rather than at the next request.
   */
  private applyRemoval(name: string, version: number): void {
    this.cache.apply(name, version, undefined);
    if (this.inflight === 0) this.cache.dropTombstones();
  }

  /** Reports a background failure once per outage and tells the listeners the store is away. */
  private failed(err: unknown, what: string): void {
    this.reporter.failure(err, what);
    if (!this.closed) this.listeners.unavailable(err);
  }

  /** Counts a store request in flight; once none is, tombstones can go (nothing older can answer). */
  private async request<T>(call: () => Promise<T>): Promise<T> {
    this.inflight++;
    try {
      return await call();
    } finally {
      if (--this.inflight === 0) this.cache.dropTombstones();
    }
  }

  private damaged(feature: DamagedFeature): FeatureDamagedError {
    const error = new FeatureDamagedError(feature.name, feature.damaged);
    this.cache.markDamaged(feature.name, feature.damaged);
    if (!this.reportedDamage.has(feature.name)) {
      this.reportedDamage.add(feature.name);
      this.reporter.report(
        error,
        `Feature ${JSON.stringify(feature.name)} is damaged in the store and answers as unknown`,
      );
    }
    return error;
  }

  /**
   * An evaluable state from a stored feature, reusing the compiled patterns
   * of the one held; `patterns` are those worked out when the feature came
   * without them.
   */
  private build(
    feature: ChangedFeature,
    users: Iterable<string> | undefined,
    previous = this.cache.get(feature.name),
    patterns?: readonly CompiledPattern[],
  ): FeatureState {
    const variants = evaluableVariants(feature.data.variants);
    const state: { -readonly [K in keyof FeatureState]: FeatureState[K] } = {
      ...feature.data,
      name: feature.name,
      variants,
      variantPick: variantPickOf(feature.name, variants),
      patterns: patterns ?? compilePatterns(feature.patterns ?? [], previous?.patterns),
      users: users === undefined ? undefined : users instanceof Set ? users : new Set(users),
      hasUsers: feature.userCount > 0,
    };
    // Assigned rather than spread: this runs on every write and reload.
    const { targeting, enabled } = targetingOf(feature.data, feature.deniedCount);
    if (targeting !== undefined) state.targeting = targeting;
    if (enabled === false) state.enabled = false;
    return state;
  }
}

/** What a write does to the patterns of the feature it writes (a restore sets them: see `applyWrite`). */
function patternChangeOf(change: StoreWrite): PatternChange[] {
  if (change.op === 'addPattern') return [{ added: [change.pattern], removed: [] }];
  if (change.op === 'removePattern') return [{ added: [], removed: [change.pattern] }];
  return [];
}

function ignore(): void {}

/**
 * Moves feature `name`'s lookup answers (its users', its deny list's) from
 * `from` to `to`, the state this process's own write made from exactly
 * `from`, with what the write changed: the lists it did not touch answer as
 * before. A write that may have replaced a list drops that list's answers.
 */
function carryAnswers(answers: AnswerCache, name: string, from: FeatureState, to: FeatureState, change: StoreWrite) {
  const deny = denyEntry(name);
  switch (change.op) {
    case 'addUsers':
    case 'removeUsers':
      answers.carry(name, from, to, change.users, change.op === 'addUsers');
      answers.carry(deny, from, to);
      return;
    case 'addDenied':
    case 'removeDenied':
      answers.carry(name, from, to);
      answers.carry(deny, from, to, change.users, change.op === 'addDenied');
      return;
    case 'toggle':
    case 'addPattern':
    case 'removePattern':
      answers.carry(name, from, to);
      answers.carry(deny, from, to);
      return;
    case 'update':
      answers.carry(name, from, to);
      answers.drop(deny);
      return;
    default:
      answers.drop(name);
      answers.drop(deny);
  }
}

/** What `getFunc` returns for a stored feature. */
function snapshotOf(feature: StoredFeature): FeatureSnapshot {
  return {
    name: feature.name,
    ...snapshotData(feature.data),
    variants: feature.data.variants.map(copyVariant),
    users: [...(feature.users ?? [])],
    patterns: feature.patterns.map(({ source, flags }) => ({ source, flags })),
  };
}

/** A `FeatureSnapshot` (bootstrap) made evaluable, users held. */
function stateOf(snapshot: FeatureSnapshot): FeatureState {
  const { name, users, patterns, ...data } = snapshot;
  const variants = snapshot.variants.map(copyVariant);
  return {
    ...data,
    name,
    variants,
    variantPick: variantPickOf(name, variants),
    patterns: compilePatterns(patterns),
    users: new Set(users),
    hasUsers: users.length > 0,
    ...targetingOf(data as FeatureData),
  };
}

/**
 * The variants as a check reads them: a store may hand out a frozen array
 * (MemoryStore freezes what it keeps), and the engine reads the elements of
 * a frozen array more slowly on every pick, so such an array is copied into
 * a plain one (the variants themselves are shared).
 */
function evaluableVariants(variants: readonly Variant[]): readonly Variant[] {
  return variants.length > 0 && Object.isFrozen(variants) ? [...variants] : variants;
}

/** A fresh copy of a variant with only its own fields; `value` only when it has one. */
function copyVariant({ name, weight, value }: Variant): Variant {
  return value === undefined ? { name, weight } : { name, weight, value: cloneJson(value) };
}
