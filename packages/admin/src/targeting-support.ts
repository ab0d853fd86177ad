import type { Rollout } from '@hanoi/core';

/**
 * Whether the rollout's backend stores targeting (rules, deny lists,
 * segments): the same test core makes before such a write, done here so
 * the page shows those parts only when they can work.
 *
 * @example
 * if (hasTargeting(rollout)) await rollout.deny('beta', 'u13');
 */
export function hasTargeting(rollout: Rollout<string>): boolean {
  const backend = rollout.backend as { peekSegment?: unknown; denyUsers?: unknown };
  return typeof backend.peekSegment === 'function' && typeof backend.denyUsers === 'function';
}
