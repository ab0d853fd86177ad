/**
 * Setting the configuration: the Python hanoi README's bootstrap.py.
 *
 * The README keeps its features on Redis; this port runs on MemoryBackend so
 * that it needs nothing else. Hand `bootstrap` any other backend (such as a
 * RedisBackend from @hanoi/redis) to share the features between processes.
 */
import { MemoryBackend, Rollout, type Backend } from '@hanoi/core';

/** The features this app knows: a misspelt name is a compile error. */
export type Feature = 'cdc_on';

/**
 * Creates the rollout of the README: `cdc_on` on for 80% of users (buckets
 * 0..79), with variants `foo` and `bar`, for user `447568110000`, and for
 * every user whose id ends in `01`.
 *
 * @example
 * const rollout = await bootstrap();
 * await rollout.isEnabled('cdc_on', '447568110000'); // true
 */
export async function bootstrap(backend: Backend = new MemoryBackend()): Promise<Rollout<Feature>> {
  const rollout = new Rollout<Feature>(backend);

  await rollout.addFunc(
    'cdc_on', //                                Functionality name (CDC on)
    {
      percentage: 80, //                         Percentage for toggle ON
      variants: ['foo', 'bar'], //               Valid variants in case of toggle ON
    },
  );

  await rollout.register('cdc_on', '447568110000'); // Register a specific user

  await rollout.register('cdc_on', /01$/); // Register a subset of users

  return rollout;
}
