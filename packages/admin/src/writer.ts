import type { Rollout } from '@hanoi/core';

/**
 * The rollout the page writes through for `actor`: where the rollout can
 * carry who made a write into its history (`rollout.as({ actor, ... })`,
 * docs/SPEC.md "History"), a view whose writes say the signed-in actor and
 * `source: 'admin'`; otherwise the rollout itself.
 *
 * @example
 * await writerFor(rollout, 'ops@example.com').setPercentage('beta', 25);
 */
export function writerFor<R extends Rollout<string>>(rollout: R, actor: string): R {
  const as = (rollout as { as?: unknown }).as;
  if (typeof as !== 'function') return rollout;
  // A view of the same rollout, with the same methods: docs/SPEC.md "History".
  return as.call(rollout, { actor, source: 'admin' }) as R;
}
