import type { Rollout } from '@hanoi/core';
import type { ExampleFeature } from './rollout';

/**
 * A service deep inside the app: it has no request, no user argument. The
 * middleware made the request's user current, so the rollout knows who is
 * asking; the answer comes from the same per-request view as `ctx.features`.
 *
 * @example
 * const catalog = createCatalog(rollout);
 * await catalog.recommendations(); // inside a request
 */
export function createCatalog(rollout: Rollout<ExampleFeature>) {
  return {
    async recommendations(): Promise<{ for: string | null; items: string[] }> {
      // Stands in for a database call: the user stays current across awaits.
      await new Promise((resolve) => setTimeout(resolve, 5));
      const personal = await rollout.isEnabled('recommendations');
      return {
        for: rollout.getCurrentId() ?? null,
        items: personal ? ['picked for you', 'because you viewed X'] : ['bestsellers'],
      };
    },
  };
}
