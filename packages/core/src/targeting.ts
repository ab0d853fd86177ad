import { bucket as bucketOf } from './bucket';
import { explainFeature, isFeatureOn, stateVariant, type Explanation, type RuleFailure } from './evaluate';
import type { FeatureState } from './feature';
import { MAX_CHAIN, type Prerequisite } from './prerequisites';
import { constraintTests, firstFailing, firstHoldingRule, type Rule, type RuleEnv, type RuleOutcome } from './rules';
import type { SegmentState } from './segments';
import { unitOf, type Context } from './user-context';
import { matchesAny } from './pattern';
import type { LookupPlan } from './lookup-plan';
import { denyEntry, segmentEntry } from './store-targeting';

/**
 * What a feature targets beyond the id: the unit it decides on, its rules,
 * its deny list and its prerequisites. Plain data; a backend builds it only
 * when the feature has one of them, so a feature without stays on the fast path.
 */
export interface Targeting {
  /** The attribute the feature decides on; `'id'` by default. */
  readonly by: string;
  readonly rules: readonly Rule[];
  /** Units that never get the feature (empty when `deniedInStore`). */
  readonly denied: ReadonlySet<string>;
  /**
   * True when the deny list stays in the store (a store whose users
   * processes do not hold): a request looks the unit up; a unit whose
   * lookup did not answer counts as denied.
   */
  readonly deniedInStore?: boolean;
  readonly requires: readonly Prerequisite[];
}

/** What evaluating a targeted feature reads besides the feature. */
export interface TargetingEnv {
  /** Another feature, for prerequisites. */
  peek(name: string): FeatureState | undefined;
  /** A segment, for `IN_SEGMENT`. */
  segment(name: string): SegmentState | undefined;
  /** The evaluation clock, in epoch milliseconds. */
  now(): number;
  /**
   * Whether the store entry `entry` (a feature, or a segment's `segment
   * <name>`) lists `unit`, for stores whose users processes do not hold: what
   * the request's lookup answered; `undefined` when it was not asked or the
   * store did not answer. Absent: nothing was looked up.
   */
  listed?(entry: string, unit: string): boolean | undefined;
}

/**
 * The unit `feature` decides on for `context`: `String(context[by])`, or
 * `undefined` when the context has none.
 *
 * @example
 * featureUnit(state, { id: 'u1', companyId: 7 }); // '7' when state.targeting.by is 'companyId'
 */
export function featureUnit(feature: FeatureState, context: Context): string | undefined {
  return unitOf(context, feature.targeting?.by ?? 'id');
}

/** One evaluation: the context, its unit, and what is worked out at most once (bucket, clock). */
class Evaluation implements RuleEnv {
  private bucketValue: number | undefined | null = null;
  private time: number | undefined;

  constructor(
    readonly context: Context,
    readonly unit: string | undefined,
    private readonly env: TargetingEnv,
  ) {}

  now(): number {
    return (this.time ??= this.env.now());
  }

  bucket(): number | undefined {
    if (this.bucketValue === null) this.bucketValue = this.unit === undefined ? undefined : bucketOf(this.unit);
    return this.bucketValue;
  }

  inSegment(name: string): boolean | undefined {
    const segment = this.env.segment(name);
    if (!segment) return false;
    if (segment.unknown === true) return undefined;
    let member: boolean | undefined = false;
    if (this.unit !== undefined && segment.users) member = segment.users.has(this.unit);
    else if (this.unit !== undefined && segment.hasUsers) member = this.env.listed?.(segmentEntry(name), this.unit);
    if (member === true) return true;
    const holds =
      segment.constraints.length > 0 &&
      firstFailing(constraintTests(segment.constraints), this.context, this) === undefined;
    // Not known to be listed (the store did not answer): in only when its constraints say so.
    return holds || member;
  }
}

/**
 * Whether `feature` is on for `context`, and why, by SPEC's order of
 * evaluation: unknown, disabled, prerequisite, denied, everyone, listed,
 * pattern, rule, bucket. `detail` adds how each rule fared when none held.
 * `listed` says whether the unit is registered, for features whose users
 * live in the store.
 *
 * @example
 * decide(state, normalizeContext({ id: 'u1', country: 'NL' }), env, true);
 * // { enabled: true, reason: 'rule', rule: { index: 0, name: 'Dutch users' } }
 */
export function decide(
  feature: FeatureState | undefined,
  context: Context,
  env: TargetingEnv,
  detail: boolean,
  listed?: boolean,
  depth = 0,
): Explanation {
  if (!feature) return { enabled: false, reason: 'unknown' };
  if (feature.enabled !== true) return { enabled: false, reason: 'disabled' };
  const targeting = feature.targeting;
  const unit = unitOf(context, targeting?.by ?? 'id');
  if (targeting) {
    for (const prerequisite of targeting.requires) {
      if (!isMet(prerequisite, context, env, depth)) {
        return { enabled: false, reason: 'prerequisite', prerequisite: prerequisite.feature };
      }
    }
    if (unit !== undefined && isDenied(feature.name, targeting, unit, env)) return { enabled: false, reason: 'denied' };
  }
  if (feature.percentage === 100) return { enabled: true, reason: 'everyone' };
  if (unit !== undefined) {
    const isListed = feature.users ? feature.users.has(unit) : (listed ?? env.listed?.(feature.name, unit)) === true;
    if (isListed) return { enabled: true, reason: 'listed' };
    for (const pattern of feature.patterns) {
      if (pattern.test(unit)) {
        return { enabled: true, reason: 'pattern', pattern: { source: pattern.source, flags: pattern.flags } };
      }
    }
  }
  const evaluation = new Evaluation(context, unit, env);
  let failures: RuleFailure[] | undefined;
  if (targeting && targeting.rules.length > 0) {
    const outcomes: RuleOutcome[] | undefined = detail ? [] : undefined;
    const index = firstHoldingRule(targeting.rules, context, evaluation, outcomes);
    if (index >= 0) {
      const name = targeting.rules[index]!.name;
      return { enabled: true, reason: 'rule', rule: name === undefined ? { index } : { index, name } };
    }
    if (outcomes) {
      failures = outcomes.map((failed, i) => {
        const name = targeting.rules[i]!.name;
        return name === undefined
          ? { index: i, failed: failed as number | 'percentage' }
          : { index: i, name, failed: failed as number | 'percentage' };
      });
    }
  }
  const extra = failures ? { rules: failures } : {};
  if (unit === undefined) return { enabled: false, reason: 'no-user', percentage: feature.percentage, ...extra };
  const bucket = evaluation.bucket()!;
  return { enabled: bucket < feature.percentage, reason: 'bucket', bucket, percentage: feature.percentage, ...extra };
}

/** Whether `unit` is on the deny list: held, or as the request's lookup answered (not answered: denied). */
function isDenied(name: string, targeting: Targeting, unit: string, env: TargetingEnv): boolean {
  if (targeting.denied.has(unit)) return true;
  return targeting.deniedInStore === true && env.listed?.(denyEntry(name), unit) !== false;
}

function isMet(prerequisite: Prerequisite, context: Context, env: TargetingEnv, depth: number): boolean {
  // Cycles are refused when written; the bound keeps damaged store data from looping.
  if (depth >= MAX_CHAIN) return false;
  const parent = env.peek(prerequisite.feature);
  if (!parent) return false;
  const on = decide(parent, context, env, false, undefined, depth + 1).enabled;
  if (prerequisite.enabled === false) return !on;
  if (!on) return false;
  if (!prerequisite.variants || prerequisite.variants.length === 0) return true;
  const variant = variantOf(parent, context);
  return variant !== undefined && prerequisite.variants.includes(variant);
}

/**
 * The variant of a feature for `context`, for a feature already known to be
 * on: picked from (its name, unit). With no unit, a feature with targeting
 * picks as for the unit `''` (every anonymous user gets the same variant);
 * one without gives none, as it always has.
 *
 * @example
 * variantOf(rollout.peek('checkout')!, context); // 'new'
 */
export function variantOf(feature: FeatureState, context: Context): string | undefined {
  const unit = featureUnit(feature, context);
  if (unit === undefined && !feature.targeting) return undefined;
  return stateVariant(feature, unit ?? '');
}

/**
 * `explain` for any feature: a feature without targeting decides on the id
 * exactly as before (`explainFeature`); one with targeting by `decide`.
 *
 * @example
 * explainFor(state, context, env); // { enabled: false, reason: 'denied' }
 */
export function explainFor(
  feature: FeatureState | undefined,
  context: Context,
  env: TargetingEnv,
  listed?: boolean,
  bucket?: number,
): Explanation {
  if (!feature?.targeting)
    return explainFeature(feature, context.id, listed ?? listedId(feature, context, env), bucket);
  return decide(feature, context, env, true, listed);
}

/** Whether a feature without targeting lists the context's id, as the request's lookup answered. */
function listedId(feature: FeatureState | undefined, context: Context, env: TargetingEnv): boolean | undefined {
  return feature && context.id !== undefined ? env.listed?.(feature.name, context.id) : undefined;
}

/**
 * The fast form of `explainFor`: the answer alone.
 *
 * @example
 * isOnFor(state, context, env); // true
 */
export function isOnFor(
  feature: FeatureState | undefined,
  context: Context,
  env: TargetingEnv,
  listed?: boolean,
  bucket?: number,
): boolean {
  if (!feature?.targeting) return isFeatureOn(feature, context.id, listed ?? listedId(feature, context, env), bucket);
  return decide(feature, context, env, false, listed).enabled;
}

/**
 * Adds to `plan` what deciding `feature` for `context` needs to know from a
 * store whose users processes do not hold: whether the feature lists the
 * unit (unless the percentage or a pattern settles it, or `detail` asks for
 * an explanation), whether each segment its rules name lists it, and the
 * same for its prerequisites. Nothing for a backend that holds its users.
 *
 * @example
 * const plan = new LookupPlan();
 * planLookups(state, context, env, false, plan);
 */
export function planLookups(
  feature: FeatureState | undefined,
  context: Context,
  env: TargetingEnv,
  detail: boolean,
  plan: LookupPlan,
  depth = 0,
): void {
  if (!feature || feature.enabled !== true || depth >= MAX_CHAIN) return;
  const targeting = feature.targeting;
  if (targeting) {
    for (const prerequisite of targeting.requires) {
      planLookups(env.peek(prerequisite.feature), context, env, false, plan, depth + 1);
    }
  }
  const unit = unitOf(context, targeting?.by ?? 'id');
  if (unit === undefined) return;
  // The deny list beats everything: asked whatever else decides; a unit denied here needs nothing more.
  if (targeting?.denied.has(unit)) return;
  if (targeting?.deniedInStore) plan.add(unit, denyEntry(feature.name));
  if (feature.percentage === 100) return;
  // A check that the bucket or a pattern settles needs nothing more (only an explanation says which step decided).
  if (!detail && feature.percentage > 0 && bucketOf(unit) < feature.percentage) return;
  if (!detail && matchesAny(feature.patterns, unit)) return;
  if (!feature.users && feature.hasUsers) plan.add(unit, feature.name);
  if (!targeting) return;
  for (const rule of targeting.rules) {
    for (const constraint of rule.constraints) {
      if (constraint.operator !== 'IN_SEGMENT') continue;
      for (const name of constraint.values ?? []) {
        const segment = env.segment(name);
        if (segment && !segment.users && segment.hasUsers) plan.add(unit, segmentEntry(name));
      }
    }
  }
}
