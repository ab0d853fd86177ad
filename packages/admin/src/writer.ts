import type { Rollout } from '@hanoi/core';

/**
 * The rollout the page writes through for `actor`: a view whose writes
 * history records as made by the signed-in actor with `source: 'admin'`
 * (docs/SPEC.md "History").
 *
 * @example
 * await writerFor(rollout, 'ops@example.com').setPercentage('beta', 25);
 */
export function writerFor<R extends Rollout<string>>(rollout: R, actor: string): R {
  return rollout.as({ actor, source: 'admin' });
}
