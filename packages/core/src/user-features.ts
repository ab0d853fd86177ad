import type { Backend } from './backend';
import { USER_FEATURES_BRAND } from './brand';
import { bucket } from './bucket';
import { explainFeature, isFeatureOn, pickVariant, type Explanation } from './evaluate';
import type { FeatureState } from './feature';

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
  private readonly answers = new Map<string, Answer>();
  private userBucket: number | undefined;

  /** @internal Use `rollout.forUser()`. */
  constructor(
    private readonly backend: Backend,
    userId: string | undefined,
    private readonly listed?: ReadonlySet<string>,
  ) {
    this.userId = userId;
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
      answer.variant =
        on && state && this.userId !== undefined ? pickVariant(name, state.variants, this.userId) : undefined;
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
    return explainFeature(state, this.userId, this.listed?.has(name), this.bucket());
  }

  private answer(name: string): Answer {
    let answer = this.answers.get(name);
    if (answer === undefined) {
      const state = this.backend.peek(name);
      // The bucket is worked out once per user, and only for a feature that uses it.
      const usesBucket = state !== undefined && state.enabled && state.percentage > 0 && state.percentage < 100;
      const on = isFeatureOn(state, this.userId, this.listed?.has(name), usesBucket ? this.bucket() : undefined);
      answer = { on, state, variant: null };
      this.answers.set(name, answer);
    }
    return answer;
  }

  private bucket(): number | undefined {
    if (this.userId === undefined) return undefined;
    return (this.userBucket ??= bucket(this.userId));
  }
}
