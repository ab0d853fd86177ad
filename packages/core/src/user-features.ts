import type { Backend } from './backend';
import { USER_FEATURES_BRAND } from './brand';
import { bucket } from './bucket';
import { explainFeature, isFeatureOn, pickVariant, type Explanation } from './evaluate';
import type { FeatureState } from './feature';
import { EMPTY_CONTEXT } from './current-subject';
import type { LookupAnswers } from './lookup-plan';
import { explainFor, featureUnit, isOnFor, variantOf, type TargetingEnv } from './targeting';
import { normalizeContext, type Context } from './user-context';

interface Answer {
  on: boolean;
  state: FeatureState | undefined;
  /** The variant, once asked for; `null` until then. */
  variant: string | undefined | null;
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
  readonly userId: string | undefined;
  /** The user's attributes, when given as a context; `undefined` for a plain id. */
  readonly context: Context | undefined;
  // The first feature asked about is kept in fields, the rest in a Map made on the second: a request that checks
  // one feature allocates no Map.
  private firstName: string | undefined;
  private firstAnswer: Answer | undefined;
  private answers: Map<string, Answer> | undefined;
  private userBucket: number | undefined;
  private idContext: Context | undefined;

  /** @internal Use `rollout.forUser()`. */
  constructor(
    private readonly backend: Backend,
    userId: string | undefined,
    private readonly lookups?: LookupAnswers,
    context?: Context,
    private readonly env?: TargetingEnv,
  ) {
    this.userId = userId;
    this.context = context;
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
    const answer = this.answer(name);
    if (answer.variant === null) {
      const { on, state } = answer;
      if (!on || !state) answer.variant = undefined;
      else if (this.targeted(state)) answer.variant = variantOf(name, state, this.subject());
      else answer.variant = this.userId === undefined ? undefined : pickVariant(name, state.variants, this.userId);
    }
    return answer.variant;
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
    const { state } = this.answer(name);
    if (this.targeted(state)) return explainFor(state, this.subject(), this.env!, this.listed(name, state));
    return explainFeature(state, this.userId, this.listed(name, state), this.bucket());
  }

  private answer(name: string): Answer {
    if (name === this.firstName) return this.firstAnswer!;
    let answer = this.answers?.get(name);
    if (answer === undefined) {
      const state = this.backend.peek(name);
      // The bucket is worked out once per user, and only for a feature that uses it.
      const usesBucket = state !== undefined && state.enabled && state.percentage > 0 && state.percentage < 100;
      const on = this.targeted(state)
        ? isOnFor(state, this.subject(), this.env!, this.listed(name, state))
        : isFeatureOn(state, this.userId, this.listed(name, state), usesBucket ? this.bucket() : undefined);
      answer = { on, state, variant: null };
      if (this.firstAnswer === undefined) {
        this.firstName = name;
        this.firstAnswer = answer;
      } else (this.answers ??= new Map()).set(name, answer);
    }
    return answer;
  }

  /** Whether `state` needs the context (it has targeting, or the user has attributes). */
  private targeted(state: FeatureState | undefined): boolean {
    return (
      state !== undefined && this.env !== undefined && (state.targeting !== undefined || this.context !== undefined)
    );
  }

  /** Whether the store lists the unit `state` decides on, as the request's lookup answered; `undefined` when not asked. */
  private listed(name: string, state: FeatureState | undefined): boolean | undefined {
    if (!this.lookups || !state || state.users) return undefined;
    const unit = state.targeting || this.context ? featureUnit(state, this.subject()) : this.userId;
    return unit === undefined ? undefined : this.lookups.listed(name, unit);
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
