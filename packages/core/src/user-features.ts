import type { Backend } from './backend';
import { USER_FEATURES_BRAND } from './brand';
import { bucket } from './bucket';
import { explainFeature, isFeatureOn, stateVariant, type Explanation } from './evaluate';
import type { FeatureState } from './feature';
import { EMPTY_CONTEXT } from './current-subject';
import { explainFor, featureUnit, isOnFor, variantOf, type TargetingEnv } from './targeting';
import { normalizeContext, type Context } from './user-context';

/** How many features after the first a view keeps in its short list before it moves them into a Map. */
const LIST_MAX = 8;

interface Answer {
  name: string;
  on: boolean;
  state: FeatureState | undefined;
  /** The variant, once asked for; `null` until then. */
  variant: string | undefined | null;
  /** The answer kept before this one in the view's short list. */
  next: Answer | undefined;
}

/**
 * Every feature's answer for one user, synchronously: what `req.features` and
 * `ctx.features` are, and what `rollout.forUser(id)` returns. Each feature is
 * worked out once, on first use, and then kept, so one request sees one
 * consistent answer even while definitions change.
 *
 * @example
 * const features = await rollout.forUser('443301');
 * features.isEnabled('cdc_on'); // true
 * features.variant('cdc_on');   // 'foo' or 'bar'
 */
export class UserFeatures<Name extends string = string> {
  /** The user these answers are for; `undefined` for an anonymous user. */
  declare readonly userId: string | undefined;
  /** The user's attributes, when given as a context; `undefined` for a plain id. */
  declare readonly context: Context | undefined;
  // The first feature asked about is kept in fields, the next ones in a short linked list, any past LIST_MAX in a
  // Map: a request that checks one feature allocates neither a list nor an answer object. Every field is set in
  // the constructor, none by an initialiser: the CommonJS build turns each initialiser into a method call, made
  // for every view.
  declare private readonly backend: Backend;
  declare private readonly env: TargetingEnv;
  /**
   * The first feature asked about; `''` (never a feature's name) until then. A string either way, so the engine
   * compares two strings here, inline, rather than through its generic comparison of any two values.
   */
  declare private firstName: string;
  declare private firstOn: boolean;
  declare private firstState: FeatureState | undefined;
  /** The first feature's variant, once asked for; `null` until then. */
  declare private firstVariant: string | undefined | null;
  /**
   * The answers for the features asked about after the first, while there are few, the latest first, linked
   * through `next` (no array to allocate or grow); then `answerMap`.
   */
  declare private answerList: Answer | undefined;
  declare private answerMap: Map<string, Answer> | undefined;
  declare private userBucket: number | undefined;
  declare private idContext: Context | undefined;

  /** @internal Use `rollout.forUser()`. */
  constructor(backend: Backend, userId: string | undefined, context: Context | undefined, env: TargetingEnv) {
    this.backend = backend;
    this.env = env;
    this.userId = userId;
    this.context = context;
    this.firstName = '';
    this.firstOn = false;
    this.firstState = undefined;
    this.firstVariant = null;
    this.answerList = undefined;
    this.answerMap = undefined;
    this.userBucket = undefined;
    this.idContext = undefined;
  }

  /** The brand `isUserFeatures` looks for, shared by every copy of @hanoi/core. */
  get [USER_FEATURES_BRAND](): true {
    return true;
  }

  /**
   * Whether `name` is on for this user.
   *
   * @example
   * if (req.features.isEnabled('beta')) showBeta();
   */
  isEnabled(name: Name): boolean {
    // A view's first check (most views have one) is told by the empty first name, compared with the one empty
    // string the engine has, before any two names are compared.
    const first = this.firstName;
    if (first === '') return this.decideFirst(name);
    if (name === first) return this.firstOn;
    return this.answer(name).on;
  }

  /**
   * The user's variant of `name`, or `undefined` when the feature is off for
   * them or has no variants.
   *
   * @example
   * const layout = req.features.variant('checkout') ?? 'control';
   */
  variant(name: Name): string | undefined {
    const first = this.firstName;
    if (first === '') this.decideFirst(name);
    else if (name !== first) {
      const answer = this.answer(name);
      if (answer.variant === null) answer.variant = this.variantFor(answer.on, answer.state);
      return answer.variant;
    }
    if (this.firstVariant === null) this.firstVariant = this.variantFor(this.firstOn, this.firstState);
    return this.firstVariant;
  }

  /**
   * The names of every feature on for this user.
   *
   * @example
   * res.json({ features: req.features.enabled() });
   */
  enabled(): Name[] {
    return this.backend.knownNames().filter((name) => this.isEnabled(name as Name)) as Name[];
  }

  /**
   * Why `name` is on or off for this user.
   *
   * @example
   * req.features.explain('beta'); // { enabled: false, reason: 'bucket', bucket: 88, percentage: 10 }
   */
  explain(name: Name): Explanation {
    if (name !== this.firstName && this.firstName === '') this.decideFirst(name);
    const state = name === this.firstName ? this.firstState : this.answer(name).state;
    if (this.targeted(state)) return explainFor(state, this.subject(), this.env, this.listed(name, state));
    return explainFeature(state, this.userId, this.listed(name, state), this.bucket());
  }

  /**
   * Works out the first feature asked about into the view's own fields, every one of them; returns whether it is
   * on. A name of `''` (no feature's) leaves the first name as it was, so the view's first feature is still to
   * come, and the variant worked out for `''` is dropped here with the rest.
   */
  private decideFirst(name: string): boolean {
    const state = this.backend.peek(name);
    const on = this.decide(name, state);
    this.firstName = name;
    this.firstState = state;
    this.firstOn = on;
    this.firstVariant = null;
    return on;
  }

  /**
   * The answer for a feature other than the first, worked out on first use.
   * A request asks about a few features: their answers are kept in a short
   * list searched in order (cheaper than a Map for a few), moved into a Map
   * past `LIST_MAX`.
   */
  private answer(name: string): Answer {
    if (this.answerMap !== undefined) return this.mappedAnswer(name);
    let length = 0;
    for (let held = this.answerList; held !== undefined; held = held.next, length++)
      if (held.name === name) return held;
    const answer = this.work(name);
    if (length >= LIST_MAX) return this.moveToMap(answer);
    answer.next = this.answerList;
    this.answerList = answer;
    return answer;
  }

  /** The answer for `name` once the answers are in `answerMap`. */
  private mappedAnswer(name: string): Answer {
    const map = this.answerMap!;
    let found = map.get(name);
    if (found === undefined) map.set(name, (found = this.work(name)));
    return found;
  }

  /** Moves the short list into `answerMap`, with `answer`, the one past `LIST_MAX`; returns it. */
  private moveToMap(answer: Answer): Answer {
    const map = new Map<string, Answer>([[answer.name, answer]]);
    for (let held = this.answerList; held !== undefined; held = held.next) map.set(held.name, held);
    this.answerMap = map;
    this.answerList = undefined;
    return answer;
  }

  /** A feature's answer, worked out. */
  private work(name: string): Answer {
    const state = this.backend.peek(name);
    return { name, on: this.decide(name, state), state, variant: null, next: undefined };
  }

  private decide(name: string, state: FeatureState | undefined): boolean {
    if (this.targeted(state)) return isOnFor(state, this.subject(), this.env, this.listed(name, state));
    // The bucket is worked out once per user, and only for a feature that uses it.
    const usesBucket = state !== undefined && state.enabled === true && state.percentage > 0 && state.percentage < 100;
    return isFeatureOn(state, this.userId, this.listed(name, state), usesBucket ? this.bucket() : undefined);
  }

  private variantFor(on: boolean, state: FeatureState | undefined): string | undefined {
    if (on !== true || state === undefined) return undefined;
    if (this.targeted(state)) return variantOf(state, this.subject());
    return this.userId === undefined ? undefined : stateVariant(state, this.userId);
  }

  /** Whether `state` needs the context (it has targeting, or the user has attributes). */
  private targeted(state: FeatureState | undefined): boolean {
    return state !== undefined && (state.targeting !== undefined || this.context !== undefined);
  }

  /** Whether the store lists the unit `state` decides on, as the request's lookup answered; `undefined` when not asked. */
  private listed(name: string, state: FeatureState | undefined): boolean | undefined {
    // Compared with undefined rather than tested for truth: on the check path a truth test of a value the
    // engine cannot type costs a check for each falsy kind (false, '', 0, NaN, 0n, document.all).
    // The request's lookup answers through its environment's `listed`, absent when nothing was looked up.
    const env = this.env;
    if (env.listed === undefined || state === undefined || state.users !== undefined) return undefined;
    const unit =
      state.targeting !== undefined || this.context !== undefined ? featureUnit(state, this.subject()) : this.userId;
    return unit === undefined ? undefined : env.listed(name, unit);
  }

  private subject(): Context {
    return (
      this.context ?? (this.idContext ??= this.userId === undefined ? EMPTY_CONTEXT : normalizeContext(this.userId))
    );
  }

  private bucket(): number | undefined {
    if (this.userId === undefined) return undefined;
    return (this.userBucket ??= bucket(this.userId));
  }
}
