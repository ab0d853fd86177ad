import type { Backend } from './backend';
import { isUserFeatures } from './brand';
import { bucket as bucketOf } from './bucket';
import { guard, type Guard, type UserLocator } from './check';
import { currentUser, enterAsUser, runAsUser, SharedView } from './context';
import { InvalidArgumentError } from './errors';
import type { FeatureState } from './feature';
import { explainFeature, isFeatureOn, needsLookup, stateVariant, type Explanation } from './evaluate';
import type { HistorySource } from './history';
import { checkSource, withScope } from './write-scope';
import { MemoryBackend } from './memory-backend';
import { createReporter, type ErrorReporter, type Logger } from './reporter';
import { TargetingAdmin } from './targeting-admin';
import { explainFor, isOnFor, planLookups, variantOf, type TargetingEnv } from './targeting';
import { LookupAnswers, LookupPlan } from './lookup-plan';
import type { LookupAnswer, LookupQuery } from './store';
import { contextFor, subjectOf } from './current-subject';
import { isContextObject, normalizeContext, type AnyAttributes, type Context, type User } from './user-context';
import { UserFeatures } from './user-features';
import { assertName, normalizeUserId } from './validate';

import type { UserId } from './user-context';

export type { UserId } from './user-context';

/** Options of a `Rollout`. */
export interface RolloutOptions {
  /** Where run-time failures are logged; `console` by default. */
  logger?: Logger;
  /** Called once per store outage with the error. */
  onError?: (error: unknown) => void;
  /** Who this Rollout's writes are made by, as history records them; default `user@host` of the process. */
  actor?: string;
  /** Where its writes come from, as history records them: 'api' (default), 'cli' or 'admin'. */
  source?: HistorySource;
  /**
   * The evaluation clock that rules on `currentTime` read (a context's own
   * `currentTime` wins): a function returning a `Date` or epoch
   * milliseconds. `Date.now` by default.
   */
  clock?: () => Date | number;
}

/** The clock's time in epoch milliseconds; `NaN` (no date rule holds) when it returns something else. */
function readClock(clock: () => Date | number): number {
  const time = clock();
  const ms = time instanceof Date ? time.getTime() : time;
  return typeof ms === 'number' ? ms : Number.NaN;
}

/**
 * Feature switches for users: everyone, a percentage, listed users, users
 * whose id matches a pattern, and variants of an experiment.
 *
 * Declare the feature names to make a misspelt one a compile error:
 * `new Rollout<'beta' | 'checkout'>()`.
 *
 * @example
 * const rollout = new Rollout(new MemoryBackend());
 * await rollout.addFunc('cdc_on', { percentage: 80, variants: ['foo', 'bar'] });
 * await rollout.isEnabled('cdc_on', '447568110000');
 */
export class Rollout<Name extends string = string, Attributes extends object = AnyAttributes> extends TargetingAdmin<
  Name,
  Attributes
> {
  /**
   * Where this Rollout reports what goes wrong at run time: the `logger` it
   * was given (`console` by default). Given once here, it reaches the
   * backend (when the backend takes one, as core's `StoreBackend` does) and
   * the Express and Koa middleware (unless they are given their own).
   */
  readonly logger: Logger;
  private readonly reporter: ErrorReporter;
  /** @internal What targeted evaluation reads: other features, segments, the clock. */
  readonly env: TargetingEnv;

  constructor(backend: Backend = new MemoryBackend(), options: RolloutOptions = {}) {
    super(backend);
    if (typeof options !== 'object' || options === null)
      throw new TypeError('new Rollout(backend, options): options must be an object.');
    if (options.onError !== undefined && typeof options.onError !== 'function') {
      throw new TypeError('new Rollout(backend, { onError }): onError must be a function.');
    }
    const clock = options.clock ?? Date.now;
    if (typeof clock !== 'function') {
      throw new TypeError(
        'new Rollout(backend, { clock }): clock must be a function returning a Date or epoch milliseconds.',
      );
    }
    this.logger = options.logger ?? console;
    this.reporter = createReporter(this.logger, options.onError);
    // One logger and onError for everything: a backend that reports its own background work uses them too.
    if (options.logger !== undefined || options.onError !== undefined) {
      (
        backend as { useReporter?: (logger: Logger | undefined, onError?: (error: unknown) => void) => void }
      ).useReporter?.(options.logger, options.onError);
    }
    if (options.source !== undefined) this.scope = { ...this.scope, source: checkSource(options.source) };
    if (options.actor !== undefined) this.scope = withScope(this.scope, { actor: options.actor });
    const store = this.backend;
    this.env = {
      peek: (name) => store.peek(name),
      segment: (name) => store.peekSegment?.(name),
      now: () => readClock(clock),
    };
  }

  // ---- checks -----------------------------------------------------------

  /**
   * Whether `name` is on for `user` (by default the current user). Never
   * rejects because of the store: a user lookup that fails counts as not
   * registered and is reported once per outage.
   *
   * @example
   * await rollout.isEnabled('cdc_on', '44488'); // false
   */
  isEnabled(name: Name, user?: User<Attributes>): Promise<boolean> {
    try {
      // The common call, a plain id outside any flow on a feature without targeting, in a few
      // lines: small enough for V8 to inline whole into its caller, which the general path is not.
      if (typeof user === 'string' && currentUser() === undefined) {
        const state = this.backend.peek(name);
        if (state?.targeting === undefined) {
          const id = normalizeUserId(user);
          if (!needsLookup(state, id)) return Promise.resolve(isFeatureOn(state, id));
        }
        return this.isEnabledFor(name, user, state);
      }
      return this.isEnabledFor(name, user);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * `isEnabled` for any user, in any flow, on any feature. Handed over by
   * `isEnabled` with the state it read (`known`: a feature's, read outside
   * any flow, so with no view), it reads no other: one `peek` per check.
   */
  private isEnabledFor(name: Name, user: User<Attributes> | undefined, known?: FeatureState): Promise<boolean> {
    try {
      const view = known ? undefined : this.contextView(user);
      if (view) return Promise.resolve(view.isEnabled(name));
      const state = known ?? this.backend.peek(name);
      const context = contextFor(state, user);
      if (context) return this.decideFor(name, state, context, false).then((answer) => answer.enabled);
      const id = this.resolveUser(user as UserId | undefined);
      if (id !== undefined && needsLookup(state, id)) {
        return this.lookup(id, name).then((listed) => isFeatureOn(state, id, listed));
      }
      return Promise.resolve(isFeatureOn(state, id));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * The user's variant of an experiment, the same every time for as long as
   * the variant list is unchanged; `undefined` when the feature is off for
   * the user or has no variants.
   *
   * @example
   * await rollout.variant('cdc_on', '443301'); // 'foo' or 'bar'
   */
  variant(name: Name, user?: User<Attributes>): Promise<string | undefined> {
    try {
      // The common call in a few lines, as in isEnabled; the id is checked before anything is answered.
      if (typeof user === 'string' && currentUser() === undefined) {
        const state = this.backend.peek(name);
        if (state?.targeting === undefined) {
          const id = normalizeUserId(user);
          if (!state || state.variants.length === 0) return Promise.resolve(undefined);
          if (!needsLookup(state, id))
            return Promise.resolve(isFeatureOn(state, id) ? stateVariant(state, id) : undefined);
        }
        return this.variantFor(name, user, state);
      }
      return this.variantFor(name, user);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** `variant` for any user, in any flow, on any feature; `known` as for `isEnabledFor`. */
  private variantFor(
    name: Name,
    user: User<Attributes> | undefined,
    known?: FeatureState,
  ): Promise<string | undefined> {
    try {
      const view = known ? undefined : this.contextView(user);
      if (view) return Promise.resolve(view.variant(name));
      const state = known ?? this.backend.peek(name);
      const context = contextFor(state, user);
      if (context) {
        if (!state || state.variants.length === 0) return Promise.resolve(undefined);
        return this.decideFor(name, state, context, false).then((answer) =>
          answer.enabled ? variantOf(state, context) : undefined,
        );
      }
      const id = this.resolveUser(user as UserId | undefined);
      if (id === undefined || !state || state.variants.length === 0) return Promise.resolve(undefined);
      const pick = (on: boolean) => (on ? stateVariant(state, id) : undefined);
      if (needsLookup(state, id)) return this.lookup(id, name).then((listed) => pick(isFeatureOn(state, id, listed)));
      return Promise.resolve(pick(isFeatureOn(state, id)));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Why `name` is on or off for `user`: unknown, disabled, everyone, listed,
   * which pattern, or which bucket against which percentage.
   *
   * @example
   * await rollout.explain('cdc_on', '44488'); // { enabled: false, reason: 'bucket', bucket: 88, percentage: 80 }
   */
  async explain(name: Name, user?: User<Attributes>): Promise<Explanation> {
    const view = this.contextView(user);
    if (view) return view.explain(name);
    const state = this.backend.peek(name);
    const context = contextFor(state, user);
    if (context) return this.decideFor(name, state, context, true);
    const id = this.resolveUser(user as UserId | undefined);
    // Unlike a check, an explanation asks the store even when the bucket or a pattern
    // already answers, so a listed user reads as listed on every backend.
    const listed = id !== undefined && explainAsks(state) ? await this.lookup(id, name) : undefined;
    return explainFeature(state, id, listed);
  }

  /**
   * `explain` without the wait when there is nothing to wait for: the
   * explanation, synchronously, or `undefined` when it needs a round trip to
   * the store (then call `explain`). In-memory definitions never need one.
   * For per-evaluation callers such as the OpenFeature provider.
   *
   * @example
   * const why = rollout.explainNow('cdc_on', '44488') ?? (await rollout.explain('cdc_on', '44488'));
   */
  explainNow(name: Name, user?: User<Attributes>): Explanation | undefined {
    const view = this.contextView(user);
    if (view) return view.explain(name);
    const state = this.backend.peek(name);
    // A context, or a feature with targeting, may need segments or prerequisites: explain answers that.
    if (contextFor(state, user)) return undefined;
    const id = this.resolveUser(user as UserId | undefined);
    return id !== undefined && explainAsks(state) ? undefined : explainFeature(state, id);
  }

  /**
   * Every feature's answer for one user, synchronously, at the cost of at
   * most one round trip to the store (none on in-memory definitions).
   *
   * @example
   * const features = await rollout.forUser('443301');
   * features.isEnabled('cdc_on'); // true
   */
  forUser(user?: User<Attributes>): Promise<UserFeatures<Name>> {
    try {
      const now = this.plainIdView(user);
      if (now) return Promise.resolve(now);
      const [id, context] = subjectOf(user);
      const plan = this.lookupPlan(id, context);
      if (plan.empty) return Promise.resolve(this.features(id, context));
      return this.lookupMany(plan).then((answers) => this.features(id, context, answers));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * `forUser` without the wait when there is nothing to wait for: the
   * answers for one user, synchronously, or `undefined` when working them out
   * needs a round trip to the store (then call `forUser`). In-memory
   * definitions never need one. The middleware's fast path.
   *
   * @example
   * const features = rollout.forUserNow('443301') ?? (await rollout.forUser('443301'));
   */
  forUserNow(user?: User<Attributes>): UserFeatures<Name> | undefined {
    // Kept small, the rest in `subjectViewNow`: the engine inlines a short method into the code that calls it.
    return this.plainIdView(user) ?? this.subjectViewNow(user);
  }

  /**
   * A guard: wraps `fn` so that it runs only for users the feature is on
   * for. The user is the current one, the argument at `position` (counted
   * from 1), or what a function of the arguments returns. Works as a
   * standard decorator on async methods too.
   *
   * @example
   * const run = rollout.check('cdc_on', 2)(async (parameter, user) => "I'm in");
   * await run('foo', '443301'); // "I'm in"
   */
  check(name: Name, position?: UserLocator): Guard {
    assertName(name);
    return guard(this as Rollout<string>, name, position);
  }

  // ---- the current user -------------------------------------------------

  /**
   * Makes `id` the current user for the rest of this async flow and what it
   * starts (for scripts and workers; requests get theirs from the middleware).
   *
   * @example
   * rollout.setCurrentId('444401');
   */
  setCurrentId(user: User<Attributes> | undefined): void {
    if (isContextObject(user)) {
      const context = normalizeContext(user);
      return enterAsUser(context.id, context);
    }
    enterAsUser(user === undefined ? undefined : normalizeUserId(user));
  }

  /**
   * Runs `fn` with `id` as the current user and returns what it returns;
   * nothing leaks out of it.
   *
   * @example
   * await rollout.withCurrentId('444401', () => rollout.isEnabled('cdc_on'));
   */
  withCurrentId<T>(user: User<Attributes> | undefined, fn: () => T): T {
    if (isContextObject(user)) {
      const context = normalizeContext(user);
      return runAsUser(context.id, fn, undefined, context);
    }
    return runAsUser(user === undefined ? undefined : normalizeUserId(user), fn);
  }

  /**
   * Runs `fn` with the user of `features` current, and with its answers
   * shared: `rollout.isEnabled(name)` inside answers from them. The
   * middleware wraps each request in this.
   *
   * @example
   * const features = await rollout.forUser(job.userId);
   * await rollout.withFeatures(features, () => processJob(job));
   */
  withFeatures<T>(features: UserFeatures<Name>, fn: () => T): T {
    if (!isUserFeatures(features)) {
      throw new InvalidArgumentError('features', features, 'Pass what rollout.forUser() returned.');
    }
    return runAsUser(features.userId, fn, new SharedView(this, features), features.context);
  }

  /**
   * The current user's id, or `undefined` outside any.
   *
   * @example
   * rollout.getCurrentId(); // '444401'
   */
  getCurrentId(): string | undefined {
    return currentUser()?.id;
  }

  /**
   * @internal The current user for a guard: its context when it has
   * attributes, else its id; `undefined` outside any.
   */
  currentContext(): Context | string | undefined {
    const store = currentUser();
    return store?.context ?? store?.id;
  }

  private contextView(user: User<Attributes> | undefined): UserFeatures<Name> | undefined {
    const store = currentUser();
    if (!store) return undefined;
    const view = store.views.get(this) as UserFeatures<Name> | undefined;
    if (!view) return undefined;
    if (user === undefined) return view;
    if (isContextObject(user) || view.context !== undefined) return undefined;
    return view.userId !== undefined && view.userId === normalizeUserId(user) ? view : undefined;
  }

  private resolveUser(user: UserId | undefined): string | undefined {
    return user === undefined ? currentUser()?.id : normalizeUserId(user);
  }

  /** `explain` (or, without `detail`, the answer) for a context, asking the store whether its unit is listed where needed. */
  private decideFor(
    name: string,
    state: FeatureState | undefined,
    context: Context,
    detail: boolean,
  ): Promise<Explanation> {
    const plan = new LookupPlan();
    if (this.looksUp()) planLookups(state, context, this.env, detail, plan);
    const answer = (env: TargetingEnv) =>
      detail ? explainFor(state, context, env) : ({ enabled: isOnFor(state, context, env) } as Explanation);
    if (plan.empty) return Promise.resolve(answer(this.env));
    return this.lookupMany(plan).then((answers) => answer(this.envWith(answers)));
  }

  /**
   * The view for a user given as a plain string id on a backend that holds
   * its users: nothing to plan or look up, so the view is made at once (this
   * is every in-memory request). `undefined` for any other user or backend.
   */
  private plainIdView(user: User<Attributes> | undefined): UserFeatures<Name> | undefined {
    if (typeof user !== 'string' || this.looksUp()) return undefined;
    return new UserFeatures<Name>(this.backend, normalizeUserId(user), undefined, this.env);
  }

  /** `forUserNow` for anything but a plain id on in-memory definitions: a context, the current user, a store. */
  private subjectViewNow(user: User<Attributes> | undefined): UserFeatures<Name> | undefined {
    const [id, context] = subjectOf(user);
    return this.lookupPlan(id, context).empty ? this.features(id, context) : undefined;
  }

  private features(id: string | undefined, context: Context | undefined, answers?: LookupAnswers): UserFeatures<Name> {
    return new UserFeatures<Name>(this.backend, id, context, answers ? this.envWith(answers) : this.env);
  }

  /** The evaluation environment of one request: this Rollout's, with what its lookup answered. */
  private envWith(answers: LookupAnswers): TargetingEnv {
    return { ...this.env, listed: (entry, unit) => answers.listed(entry, unit) };
  }

  /** Whether the backend keeps users in its store (and looks them up). */
  private looksUp(): boolean {
    return this.backend.lookupUnits !== undefined || this.backend.lookupUser !== undefined;
  }

  /**
   * What answering every feature for this user waits on the store for:
   * whether features list the unit they decide on, and whether the segments
   * their rules name do (prerequisites included). Empty on a backend that
   * holds its users.
   */
  private lookupPlan(id: string | undefined, context: Context | undefined): LookupPlan {
    const plan = new LookupPlan();
    if ((id === undefined && context === undefined) || !this.looksUp()) return plan;
    const bucket = id === undefined ? 0 : bucketOf(id);
    let subject = context;
    for (const name of this.backend.knownNames()) {
      const state = this.backend.peek(name);
      if (!state) continue;
      if (state.targeting || context) {
        subject ??= normalizeContext(id!);
        planLookups(state, subject, this.env, false, plan);
      } else if (id !== undefined && needsLookup(state, id, bucket)) plan.add(id, name);
    }
    return plan;
  }

  /** Whether `name` lists `id`, asked alone: `lookupMany`'s answer, without its plan and answer maps (a hot path). */
  private async lookup(id: string, name: string): Promise<boolean> {
    const found = await this.ask([{ unit: id, names: [name] }]);
    return found?.[0]?.has(name) === true;
  }

  /** Asks the store, once; a failure counts as nothing known (not listed, in no segment) and is reported. */
  private async lookupMany(plan: LookupPlan): Promise<LookupAnswers> {
    const queries = plan.queries();
    return new LookupAnswers(queries, await this.ask(queries));
  }

  /** The store's answers to `queries`, or undefined when it could not answer (reported once, until it answers again). */
  private async ask(queries: readonly LookupQuery[]): Promise<readonly LookupAnswer[] | undefined> {
    const backend = this.backend;
    try {
      const found = backend.lookupUnits
        ? await backend.lookupUnits(queries)
        : await Promise.all(queries.map((query) => backend.lookupUser!(query.unit, query.names)));
      this.reporter.recovered('Looking users up');
      return found;
    } catch (err) {
      this.reporter.failure(err, 'Looking users up');
      return undefined;
    }
  }
}

/**
 * Whether explaining `state` for a user asks the store if the user is listed.
 * Unlike a check, an explanation asks even when the bucket or a pattern
 * already answers, so a listed user reads as listed on every backend.
 */
function explainAsks(state: FeatureState | undefined): boolean {
  return state !== undefined && !state.users && state.hasUsers && state.enabled === true && state.percentage < 100;
}
