import { denySection } from './deny';
import { historySection } from './history';
import { patternsSection } from './patterns';
import { percentageSection } from './percentage';
import { rulesSection } from './rules';
import type { FeatureSection } from './section';
import { switchSection } from './switch';
import { usersSection } from './users';
import { variantsSection } from './variants';

/**
 * The parts of the feature page, in order. A part that only some rollouts
 * support says so in `available` (history: `typeof rollout.history ===
 * 'function'`; the deny list and rules: a backend that stores targeting).
 */
export const FEATURE_SECTIONS: readonly FeatureSection[] = [
  switchSection,
  percentageSection,
  usersSection,
  patternsSection,
  variantsSection,
  rulesSection,
  denySection,
  historySection,
];
