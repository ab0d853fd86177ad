import { bucket as bucketOf } from './bucket';
import type { FeatureState, Variant, VariantPick } from './feature';
import { matchesAny } from './pattern';
import { namePrefix, pointAfter, variantPoint } from './variant-hash';

/**
 * A rule that did not hold, as `explain` reports it: its index (from 0), its
 * name if it has one, and the first constraint that failed (its index) or
 * `'percentage'` when the constraints held but the unit's bucket did not.
 */
export interface RuleFailure {
  index: number;
  name?: string;
  failed: number | 'percentage';
}

/** Why a feature is on or off for a user: what `rollout.explain` returns. */
export type Explanation =
  | { enabled: false; reason: 'unknown' }
  | { enabled: false; reason: 'disabled' }
  | { enabled: false; reason: 'prerequisite'; prerequisite: string }
  | { enabled: false; reason: 'denied' }
  | { enabled: boolean; reason: 'no-user'; percentage: number; rules?: RuleFailure[] }
  | { enabled: true; reason: 'everyone' }
  | { enabled: true; reason: 'listed' }
  | { enabled: true; reason: 'pattern'; pattern: { source: string; flags: string } }
  | { enabled: true; reason: 'rule'; rule: { index: number; name?: string } }
  | { enabled: boolean; reason: 'bucket'; bucket: number; percentage: number; rules?: RuleFailure[] };

/**
 * Whether `feature` is on for `userId`, by the rules of SPEC.md, in order.
 * `listed` says whether the user is registered, for features whose users
 * live in the store (`feature.users` undefined); it is ignored otherwise.
 * `bucket` may be passed in when the caller computed it already.
 *
 * @example
 * explainFeature(state, '443301'); // { enabled: true, reason: 'pattern', pattern: { source: '01$', flags: '' } }
 */
export function explainFeature(
  feature: FeatureState | undefined,
  userId: string | undefined,
  listed?: boolean,
  bucket?: number,
): Explanation {
  if (!feature) return { enabled: false, reason: 'unknown' };
  if (userId === undefined) {
    return {
      enabled: feature.enabled === true && feature.percentage === 100,
      reason: 'no-user',
      percentage: feature.percentage,
    };
  }
  if (feature.enabled !== true) return { enabled: false, reason: 'disabled' };
  if (feature.percentage === 100) return { enabled: true, reason: 'everyone' };
  if (feature.users ? feature.users.has(userId) : listed === true) return { enabled: true, reason: 'listed' };
  for (const pattern of feature.patterns) {
    if (pattern.test(userId))
      return { enabled: true, reason: 'pattern', pattern: { source: pattern.source, flags: pattern.flags } };
  }
  const b = bucket ?? bucketOf(userId);
  return { enabled: b < feature.percentage, reason: 'bucket', bucket: b, percentage: feature.percentage };
}

/**
 * The fast form of `explainFeature`: the same answer, no explanation built.
 *
 * @example
 * isFeatureOn(state, '44488'); // false
 */
export function isFeatureOn(
  feature: FeatureState | undefined,
  userId: string | undefined,
  listed?: boolean,
  bucket?: number,
): boolean {
  if (feature === undefined) return false;
  // `enabled` compared with true, not tested for truth: the engine does not know the field holds a boolean, and a
  // truth test of it checks every falsy kind (false, '', 0, NaN, 0n, document.all) on every check.
  if (userId === undefined) return feature.enabled === true && feature.percentage === 100;
  if (feature.enabled !== true) return false;
  if (feature.percentage === 100) return true;
  // An empty set is not asked: hashing an id that looks like a large integer is not cached by the engine.
  const users = feature.users;
  if (users !== undefined ? users.size !== 0 && users.has(userId) : listed === true) return true;
  if (feature.percentage > 0 && (bucket ?? bucketOf(userId)) < feature.percentage) return true;
  return matchesAny(feature.patterns, userId);
}

/**
 * Whether answering for `userId` needs to know if the user is registered:
 * only when the store holds the users and nothing cheaper settles it.
 *
 * @example
 * needsLookup(state, 'alice', bucket('alice')); // false when the feature is off or at 100%
 */
export function needsLookup(feature: FeatureState | undefined, userId: string, bucket?: number): boolean {
  if (!feature || feature.users || !feature.hasUsers || feature.enabled !== true || feature.percentage === 100)
    return false;
  if (feature.percentage > 0 && (bucket ?? bucketOf(userId)) < feature.percentage) return false;
  return !matchesAny(feature.patterns, userId);
}

/**
 * The variant for a user the feature is on for: a point in [0, 1) from the
 * variant hash, matched against the cumulative weights.
 *
 * @example
 * pickVariant('cdc_on', [{ name: 'foo', weight: 1 }, { name: 'bar', weight: 1 }], '443301'); // 'foo' or 'bar'
 */
export function pickVariant(feature: string, variants: readonly Variant[], userId: string): string | undefined {
  return variants.length === 0 ? undefined : variantAt(variants, weightOf(variants), variantPoint(feature, userId));
}

/**
 * @internal `pickVariant` for a feature's state: its own name and variants, with what the state was built with for
 * them (worked out here for a state built without it, or whose variants are not those it was built with).
 */
export function stateVariant(state: FeatureState, userId: string): string | undefined {
  const { variantPick: pick, variants, name } = state;
  if (pick === undefined || pick.variants !== variants) return pickVariant(name, variants, userId);
  return variantAt(variants, pick.weight, pointAfter(pick.prefix, name, userId));
}

/**
 * @internal What `stateVariant` needs for a feature, kept on its state; `undefined` when it has no variants.
 *
 * @example
 * variantPickOf('checkout', [{ name: 'a', weight: 1 }, { name: 'b', weight: 3 }])?.weight; // 4
 */
export function variantPickOf(feature: string, variants: readonly Variant[]): VariantPick | undefined {
  return variants.length === 0 ? undefined : { variants, weight: weightOf(variants), prefix: namePrefix(feature) };
}

/**
 * @internal The sum of the variants' weights.
 *
 * @example
 * weightOf([{ name: 'foo', weight: 1 }, { name: 'bar', weight: 3 }]); // 4
 */
export function weightOf(variants: readonly Variant[]): number {
  // Indexed loops: a `for...of` over the feature's variants costs an iterator per loop on this path.
  let total = 0;
  for (let i = 0; i < variants.length; i++) total += variants[i]!.weight;
  return total;
}

/** The variant whose share of `total` holds `point`, the user's variant point; `variants` is not empty. */
function variantAt(variants: readonly Variant[], total: number, point: number): string {
  const count = variants.length;
  const target = point * total;
  let cumulative = 0;
  for (let i = 0; i < count; i++) {
    cumulative += variants[i]!.weight;
    if (target < cumulative) return variants[i]!.name;
  }
  // Rounding can leave target a hair above the last sum.
  return variants[count - 1]!.name;
}
