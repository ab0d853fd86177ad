import type { Backend } from './backend';
import type { BackendListener } from './backend-events';
import { InvalidArgumentError } from './errors';
import type { HistoryEntry, HistoryPage, WriteMeta } from './history';
import type {
  FeatureFields,
  FeatureOptions,
  FeatureSnapshot,
  FeatureState,
  TargetingOptions,
  VariantInput,
} from './feature';
import { MemoryBackend } from './memory-backend';
import { patternSpec } from './pattern';
import { MAX_MEMBERS_LIMIT, pageOfMembers } from './members';
import type { MemberList, MembersPage, MembersQuery } from './store';
import { segmentEntry } from './store-targeting';
import { assertRemovable, targetingFields } from './targeting-fields';
import type { AnyAttributes, UserId } from './user-context';
import {
  assertBoolean,
  assertName,
  assertPercentage,
  MAX_USER_ID_LENGTH,
  normalizeUserId,
  normalizeVariants,
} from './validate';
import { processActor, withScope, type WriteScope } from './write-scope';

/** Which history entries `rollout.history` reads. */
export interface HistoryOptions {
  /** Only this feature's entries. */
  feature?: string;
  /** Only this segment's entries (not with `feature`). */
  segment?: string;
  /** At most this many, newest first: 1..10,000, default 100. */
  limit?: number;
  /** Only entries older than this entry id: the next page. */
  before?: string;
}

/** Which page of a list of ids `rollout.listIds` reads. */
export interface ListIdsOptions {
  /** The feature whose list it is (not with `segment`). */
  feature?: string;
  /** The segment whose listed units it is (not with `feature`). */
  segment?: string;
  /** A feature's listed users ('users', the default) or its deny list ('deny'); a segment has only 'users'. */
  list?: MemberList;
  /** The page after this one: the `next` of the page before. */
  after?: string;
  /** At most this many ids: 1..1,000, default 100. */
  limit?: number;
  /** Only ids containing this text (case-sensitive). */
  contains?: string;
}

/**
 * The management half of a `Rollout`: creating and changing features, and
 * the backend's life cycle. Every argument is checked here, before it
 * reaches a backend; bad input is an `InvalidArgumentError` and changes
 * nothing. Use it through `Rollout`.
 *
 * @example
 * const rollout = new Rollout();
 * await rollout.addFunc('beta', { percentage: 10 });
 */
export class FeatureAdmin<Name extends string = string, Attributes extends object = AnyAttributes> {
  /** The store the features live in. */
  readonly backend: Backend;
  /** Who this object's writes are made by, as history records them (see `as`). */
  protected scope: WriteMeta = { actor: processActor(), source: 'api' };

  constructor(backend: Backend = new MemoryBackend()) {
    if (typeof backend !== 'object' || backend === null || typeof backend.peek !== 'function') {
      throw new TypeError('new Rollout(backend): backend must be a MemoryBackend, RedisBackend or another Backend.');
    }
    this.backend = backend;
  }

  /**
   * Creates a feature, or updates the fields given and keeps the rest (users
   * and patterns survive a re-add). Defaults: enabled, 0%, no variants.
   * Targeting: `by` (the unit), `rules`, `requires` (prerequisites).
   *
   * @example
   * await rollout.addFunc('cdc_on', { percentage: 80, variants: ['foo', 'bar'] });
   * await rollout.addFunc('beta', { by: 'companyId', requires: [{ feature: 'new_ui' }] });
   */
  async addFunc(name: Name, options: FeatureOptions<Name, Attributes> = {}): Promise<void> {
    assertName(name);
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError(
        'options',
        options,
        'Options are an object: { percentage?, variants?, enabled? }.',
      );
    }
    const fields: FeatureFields = {};
    if (options.percentage !== undefined) fields.percentage = assertPercentage(options.percentage);
    if (options.variants !== undefined) fields.variants = normalizeVariants(options.variants);
    if (options.enabled !== undefined) fields.enabled = assertBoolean(options.enabled, 'enabled');
    Object.assign(fields, targetingFields(this.backend, name, options as TargetingOptions));
    await this.backend.addFunc(name, fields, this.scope);
  }

  /**
   * Registers a user (or several), who then has the feature while it is
   * enabled; or, given a RegExp, every user whose id it matches (an
   * unanchored search, on a linear-time engine).
   *
   * @example
   * await rollout.register('cdc_on', '447568110000');
   * await rollout.register('cdc_on', /01$/);
   * await rollout.register('cdc_on', ['u1', 'u2', 'u3']);
   */
  register(name: Name, user: UserId | RegExp | readonly UserId[]): Promise<void> {
    // Not async: the backend's promise is returned as it is (no second one); bad input still rejects.
    try {
      assertName(name);
      if (user instanceof RegExp) return this.backend.registerPattern(name, patternSpec(user), this.scope);
      return this.backend.registerUsers(name, userList(user), this.scope);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Undoes `register`: removes users, or the pattern with the same source and flags.
   *
   * @example
   * await rollout.unregister('cdc_on', '447568110000');
   */
  unregister(name: Name, user: UserId | RegExp | readonly UserId[]): Promise<void> {
    // Not async: the backend's promise is returned as it is (no second one); bad input still rejects.
    try {
      assertName(name);
      if (user instanceof RegExp) return this.backend.unregisterPattern(name, patternSpec(user), this.scope);
      return this.backend.unregisterUsers(name, userList(user), this.scope);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Sets the percentage of users (by bucket) that have the feature.
   *
   * @example
   * await rollout.setPercentage('cdc_on', 25);
   */
  async setPercentage(name: Name, percentage: number): Promise<void> {
    assertName(name);
    await this.backend.update(name, { percentage: assertPercentage(percentage) }, this.scope);
  }

  /**
   * Replaces the variants: names split evenly, `{ name, weight }` by weight.
   *
   * @example
   * await rollout.setVariants('checkout', [{ name: 'control', weight: 90 }, { name: 'new', weight: 10 }]);
   */
  async setVariants(name: Name, variants: readonly VariantInput[]): Promise<void> {
    assertName(name);
    await this.backend.update(name, { variants: normalizeVariants(variants) }, this.scope);
  }

  /**
   * Turns the master switch on.
   *
   * @example
   * await rollout.enable('cdc_on');
   */
  async enable(name: Name): Promise<void> {
    assertName(name);
    await this.backend.update(name, { enabled: true }, this.scope);
  }

  /**
   * Turns the master switch off: nobody has the feature, listed users included.
   *
   * @example
   * await rollout.disable('cdc_on');
   */
  async disable(name: Name): Promise<void> {
    assertName(name);
    await this.backend.update(name, { enabled: false }, this.scope);
  }

  /**
   * Flips the master switch; resolves to the new value.
   *
   * @example
   * const nowOn = await rollout.toggle('cdc_on');
   */
  async toggle(name: Name): Promise<boolean> {
    assertName(name);
    return this.backend.toggle(name, this.scope);
  }

  /**
   * Deletes a feature with its users and patterns; refused with
   * `HANOI_CONFLICT` while another feature requires it.
   *
   * @example
   * await rollout.remove('cdc_on');
   */
  async remove(name: Name): Promise<void> {
    assertName(name);
    assertRemovable(this.backend, name);
    await this.backend.remove(name, this.scope);
  }

  /**
   * A plain copy of a feature as stored, or `undefined`.
   *
   * @example
   * const { percentage, users, patterns, variants } = (await rollout.getFunc('cdc_on'))!;
   */
  async getFunc(name: Name): Promise<FeatureSnapshot | undefined> {
    assertName(name);
    return this.backend.getFunc(name);
  }

  /**
   * Every feature's name.
   *
   * @example
   * for (const name of await rollout.listFuncs()) console.log(name);
   */
  async listFuncs(): Promise<Name[]> {
    return (await this.backend.listFuncs()) as Name[];
  }

  /**
   * A view of this object whose writes history records as made by `actor`,
   * for `reason`, from `source` ('api', 'cli' or 'admin'; by default this
   * object's). Everything else (the backend, checks) is shared.
   *
   * @example
   * await rollout.as({ actor: 'ana@example.com', reason: 'INC-42' }).disable('checkout');
   */
  as(scope: WriteScope): this {
    const view = Object.create(this) as this;
    view.scope = withScope(this.scope, scope);
    return view;
  }

  /**
   * Entries of the history, newest first: who changed what, when and why,
   * with the fields before and after. Page with `before: lastEntry.id`.
   *
   * @example
   * const [latest] = await rollout.history({ feature: 'checkout', limit: 1 });
   * const segmentChanges = await rollout.history({ segment: 'beta-testers' });
   */
  async history(options: HistoryOptions = {}): Promise<HistoryEntry[]> {
    return (await this.historyPage(options)).entries;
  }

  /**
   * One page of a feature's listed users, its deny list (`list: 'deny'`),
   * or a segment's listed units, without reading the whole list on stores
   * that keep it (RedisHighPerfBackend, PostgresBackend with `lookupUsers`):
   * one bounded read per page. Pass the page's `next` as `after` for the
   * page that follows; no `next`, no more. `total` is how many ids match,
   * where the store counts them cheaply. In-memory and PostgreSQL pages
   * come `ordered` by id (a write between two pages moves nothing); Redis
   * pages follow its SSCAN cursor (`ordered: false`; see @hanoi/redis's
   * README, "Paging a list"). A feature or segment that does not exist is
   * an empty page.
   *
   * @example
   * const first = await rollout.listIds({ feature: 'beta', limit: 50 });
   * if (first.next) await rollout.listIds({ feature: 'beta', after: first.next, limit: 50 });
   * const denied = await rollout.listIds({ feature: 'beta', list: 'deny', contains: 'u13' });
   * const units = await rollout.listIds({ segment: 'beta-testers' });
   */
  async listIds(options: ListIdsOptions): Promise<MembersPage> {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError(
        'options',
        options,
        'Options are an object: { feature or segment, list?, after?, limit?, contains? }.',
      );
    }
    const { feature, segment, list = 'users', after, limit = 100, contains } = options;
    if ((feature === undefined) === (segment === undefined)) {
      throw new InvalidArgumentError('feature', feature ?? segment, 'Ask for the ids of one feature or one segment.');
    }
    if (feature !== undefined) assertName(feature);
    if (segment !== undefined) assertName(segment, 'segment name');
    if (list !== 'users' && list !== 'deny') {
      throw new InvalidArgumentError('list', list, "The list is 'users' or 'deny'.");
    }
    if (segment !== undefined && list === 'deny') {
      throw new InvalidArgumentError('list', list, 'A segment has no deny list.');
    }
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_MEMBERS_LIMIT) {
      throw new InvalidArgumentError('limit', limit, 'The limit is an integer from 1 to 1,000.');
    }
    if (after !== undefined && (typeof after !== 'string' || after.length > 4096)) {
      throw new InvalidArgumentError('after', after, 'after is the `next` of the page before, as listIds returned it.');
    }
    if (contains !== undefined && (typeof contains !== 'string' || contains.length > MAX_USER_ID_LENGTH)) {
      throw new InvalidArgumentError('contains', contains, 'contains is a text of at most 512 characters.');
    }
    const query: MembersQuery = {
      list,
      limit,
      ...(after !== undefined ? { after } : {}),
      ...(contains ? { contains } : {}),
    };
    const entry = segment !== undefined ? segmentEntry(segment) : feature!;
    if (this.backend.listIds) return this.backend.listIds(entry, query);
    // A backend without a paged read: a page of its copy.
    if (segment !== undefined) return pageOfMembers((await this.backend.getSegment?.(segment))?.users ?? [], query);
    const copy = await this.backend.getFunc(feature!);
    return pageOfMembers((list === 'users' ? copy?.users : copy?.deny) ?? [], query);
  }

  /**
   * `history`, with how many older entries retention (`historyLimit`) has dropped.
   *
   * @example
   * const { entries, dropped } = await rollout.historyPage({ limit: 20 });
   */
  async historyPage(options: HistoryOptions = {}): Promise<HistoryPage> {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError(
        'options',
        options,
        'Options are an object: { feature?, segment?, limit?, before? }.',
      );
    }
    const { limit = 100, before } = options;
    let { feature } = options;
    if (feature !== undefined) assertName(feature);
    if (options.segment !== undefined) {
      if (feature !== undefined) {
        throw new InvalidArgumentError('segment', options.segment, 'Ask for a feature or a segment, not both.');
      }
      assertName(options.segment, 'segment name');
      feature = segmentEntry(options.segment);
    }
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      throw new InvalidArgumentError('limit', limit, 'The limit is an integer from 1 to 10,000.');
    }
    if (before !== undefined) checkEntryId(before, 'before');
    return this.backend.history({
      limit,
      ...(feature !== undefined ? { feature } : {}),
      ...(before ? { before } : {}),
    });
  }

  /**
   * Undoes one entry: writes its `before` back, as a new entry (action
   * `'revert'`). Reverting a removal recreates the feature whole. Refused
   * with `HANOI_CONFLICT` when the feature changed after that entry, unless
   * `force`. Resolves to the new entry's id.
   *
   * @example
   * const [mistake] = await rollout.history({ feature: 'checkout', limit: 1 });
   * await rollout.as({ actor: 'ana', reason: 'wrong percentage' }).revert(mistake.id);
   */
  async revert(entryId: string, options: { force?: boolean } = {}): Promise<string> {
    checkEntryId(entryId, 'entryId');
    const force = options.force === undefined ? false : assertBoolean(options.force, 'force');
    const [entry] = (await this.backend.history({ id: entryId, limit: 1 })).entries;
    if (!entry) {
      throw new InvalidArgumentError(
        'entryId',
        entryId,
        'No history entry has this id (retention may have dropped it); see rollout.history().',
      );
    }
    return this.backend.revert(entry, { ...this.scope, reverts: entry.id, ...(force ? {} : { expect: entry.id }) });
  }

  /**
   * Settles once the backend has loaded its first state.
   *
   * @example
   * await rollout.ready();
   */
  ready(): Promise<void> {
    return this.backend.ready();
  }

  /**
   * Calls `listener.changed(names)` whenever the definitions this process
   * holds change (a write from this process or, on a shared store, any
   * other), `listener.unavailable(error)` when the store stops answering and
   * `listener.available()` when it is back. Returns the function that stops
   * listening. A backend that cannot tell (one without `watch`) never calls it.
   *
   * @example
   * const stop = rollout.watch({ changed: (names) => console.log('changed', names) });
   * stop();
   */
  watch(listener: BackendListener): () => void {
    if (typeof listener !== 'object' || listener === null) {
      throw new InvalidArgumentError(
        'listener',
        listener,
        'A listener is an object: { changed?, unavailable?, available? }.',
      );
    }
    return this.backend.watch ? this.backend.watch(listener) : () => {};
  }

  /**
   * Releases what the backend opened itself; a Redis client it was handed stays open.
   *
   * @example
   * await rollout.close();
   */
  close(): Promise<void> {
    return this.backend.close();
  }

  /** @internal The state the process holds for `name`; for guards and adapters. */
  peek(name: string): FeatureState | undefined {
    return this.backend.peek(name);
  }
}

function checkEntryId(id: unknown, field: string): void {
  if (typeof id !== 'string' || id.length === 0 || id.length > 64) {
    throw new InvalidArgumentError(field, id, 'An entry id is a string, as rollout.history() returns it.');
  }
}

function userList(user: UserId | readonly UserId[]): string[] {
  if (Array.isArray(user)) {
    if (user.length === 0) throw new InvalidArgumentError('user', user, 'Give at least one user id.');
    return [...new Set(user.map((id) => normalizeUserId(id)))];
  }
  return [normalizeUserId(user)];
}
