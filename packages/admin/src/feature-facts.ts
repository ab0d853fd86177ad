import type { FeatureState } from '@hanoi/core';
import type { FeatureFacts } from './describe';

/**
 * What the list says about a feature, from the state the process holds: no
 * store round trip per feature. Users only the store holds are counted as
 * "some" (`undefined`) rather than read whole.
 *
 * @example
 * describeFeature(factsOf(rollout.peek('beta')!));
 */
export function factsOf(state: FeatureState): FeatureFacts {
  return {
    enabled: state.enabled,
    percentage: state.percentage,
    users: state.users ? state.users.size : state.hasUsers ? undefined : 0,
    patterns: state.patterns.length,
    variants: state.variants.length,
    rules: state.targeting?.rules.length ?? 0,
  };
}
