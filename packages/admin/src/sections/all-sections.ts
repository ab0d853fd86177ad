import { patternsSection } from './patterns';
import { percentageSection } from './percentage';
import type { FeatureSection } from './section';
import { switchSection } from './switch';
import { usersSection } from './users';
import { variantsSection } from './variants';

/**
 * The parts of the feature page, in order. Rules, segments, the deny list
 * and history join this list as sections whose `available` checks that the
 * rollout has them (`typeof rollout.history === 'function'`).
 */
export const FEATURE_SECTIONS: readonly FeatureSection[] = [
  switchSection,
  percentageSection,
  usersSection,
  patternsSection,
  variantsSection,
];
