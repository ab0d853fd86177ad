import { MemoryBackend, Rollout } from '@hanoi/core';

/** The example's features, one for each way a feature can reach a user. */
export type ExampleFeature = 'new_search' | 'beta_dashboard' | 'staff_tools' | 'checkout' | 'recommendations';

/**
 * The example's features, in memory. In production this is a RedisBackend
 * shared by every process, and the features are managed with the CLI.
 *
 * @example
 * const rollout = await createRollout();
 * await rollout.isEnabled('new_search', 'alice');
 */
export async function createRollout(): Promise<Rollout<ExampleFeature>> {
  const rollout = new Rollout<ExampleFeature>(new MemoryBackend());
  // A percentage: 30% of users, picked by a stable hash of their id.
  await rollout.addFunc('new_search', { percentage: 30 });
  // Listed users only.
  await rollout.addFunc('beta_dashboard');
  await rollout.register('beta_dashboard', ['alice', 'bob']);
  // A pattern: every user whose id starts with "staff-".
  await rollout.addFunc('staff_tools');
  await rollout.register('staff_tools', /^staff-/);
  // An experiment: everyone has it, split three ways, the same variant every time.
  await rollout.addFunc('checkout', { percentage: 100, variants: ['red', 'green', 'blue'] });
  // Read by a service that never sees the request.
  await rollout.addFunc('recommendations', { percentage: 50 });
  return rollout;
}
