import { HanoiError, type Constraint, type Rollout } from '@hanoi/core';

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

/**
 * Why segments cannot be written on this rollout's backend, in a sentence,
 * or `undefined` when they can: every backend with the targeting methods
 * keeps segments (on a store that looks users up, their listed units stay
 * in the store), so only a backend without them refuses.
 *
 * @example
 * segmentWritesRefused(rollout); // undefined on MemoryBackend
 */
export function segmentWritesRefused(rollout: Rollout<string>): string | undefined {
  return hasTargeting(rollout) ? undefined : 'This store keeps no segments.';
}

/**
 * A segment as the page shows it: its listed units when the process holds
 * them (walked, never copied), else `undefined` (the store pages them);
 * their count; its constraints.
 */
export interface ShownSegment {
  users: Iterable<string> | undefined;
  count: number;
  constraints: readonly Constraint[];
}

/**
 * The segment `name`: the one this process holds (`peekSegment`, no store
 * round trip, units walked in place); on a store that looks users up, its
 * units stay in the store and only their count is read (`listIds`' total,
 * one bounded read). A segment this process does not hold yet (written by
 * another moments ago) is read from the store. `undefined` when there is
 * none, or the name is not one a segment can have.
 *
 * @example
 * const segment = await readSegment(rollout, 'beta-testers');
 */
export async function readSegment(rollout: Rollout<string>, name: string): Promise<ShownSegment | undefined> {
  const held = rollout.backend.peekSegment?.(name);
  if (held?.users) return { users: held.users, count: held.users.size, constraints: held.constraints };
  if (held && !held.hasUsers) return { users: [], count: 0, constraints: held.constraints };
  if (held) {
    const { total } = await rollout.listIds({ segment: name, limit: 1 });
    return { users: undefined, count: total ?? 0, constraints: held.constraints };
  }
  try {
    const copy = await rollout.getSegment(name);
    return copy && { users: copy.users, count: copy.users.length, constraints: copy.constraints };
  } catch (err) {
    if (err instanceof HanoiError && err.code === 'HANOI_INVALID_ARGUMENT') return undefined;
    throw err;
  }
}

/**
 * The features whose rules use the segment `name` (`IN_SEGMENT`), by name:
 * what would refuse its deletion.
 *
 * @example
 * await featuresUsing(rollout, 'beta-testers'); // ['checkout']
 */
export async function featuresUsing(rollout: Rollout<string>, name: string): Promise<string[]> {
  return (await rollout.listFuncs())
    .filter((feature) =>
      rollout
        .peek(feature)
        ?.targeting?.rules.some((rule) =>
          rule.constraints.some((c) => c.operator === 'IN_SEGMENT' && c.values?.includes(name)),
        ),
    )
    .sort();
}
