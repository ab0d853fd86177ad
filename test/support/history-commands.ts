import fc from 'fast-check';
import { replay, type HistoryEntry, type Rollout } from '@hanoi/core';
import { comparable } from '@hanoi/core/testing';

/** One management call of a random write sequence. */
export type HistoryCommand =
  | { kind: 'add'; percentage: number }
  | { kind: 'percentage'; percentage: number }
  | { kind: 'toggle' }
  | { kind: 'variants'; names: string[] }
  | { kind: 'register' | 'unregister'; ids: string[] }
  | { kind: 'pattern' | 'unpattern'; source: string }
  | { kind: 'remove' }
  | { kind: 'revertLatest'; force: boolean };

const ids = fc.uniqueArray(fc.constantFrom('u1', 'u2', 'u3', 'a,b', '__proto__', '7'), { minLength: 1, maxLength: 3 });

/** Random write sequences over a few users, patterns and variants, so writes collide. */
export const historyCommands = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('add' as const), percentage: fc.integer({ min: 0, max: 100 }) }),
    fc.record({ kind: fc.constant('percentage' as const), percentage: fc.integer({ min: 0, max: 100 }) }),
    fc.record({ kind: fc.constant('toggle' as const) }),
    fc.record({
      kind: fc.constant('variants' as const),
      names: fc.uniqueArray(fc.constantFrom('a', 'b', 'c'), { maxLength: 3 }),
    }),
    fc.record({ kind: fc.constantFrom('register' as const, 'unregister' as const), ids }),
    fc.record({
      kind: fc.constantFrom('pattern' as const, 'unpattern' as const),
      source: fc.constantFrom('^u', '3$', 'b'),
    }),
    fc.record({ kind: fc.constant('remove' as const) }),
    fc.record({ kind: fc.constant('revertLatest' as const), force: fc.boolean() }),
  ),
  { minLength: 1, maxLength: 20 },
);

/**
 * Runs one command on `name`; one that the rules refuse (a change to a
 * removed feature, a conflicting revert) is skipped, as a user's would fail.
 *
 * @example
 * for (const command of commands) await runHistoryCommand(rollout, 'f', command);
 */
export async function runHistoryCommand(rollout: Rollout, name: string, command: HistoryCommand): Promise<void> {
  const calls: Record<HistoryCommand['kind'], () => Promise<unknown>> = {
    add: () => rollout.addFunc(name, { percentage: (command as { percentage: number }).percentage }),
    percentage: () => rollout.setPercentage(name, (command as { percentage: number }).percentage),
    toggle: () => rollout.toggle(name),
    variants: () => rollout.setVariants(name, (command as { names: string[] }).names),
    register: () => rollout.register(name, (command as { ids: string[] }).ids),
    unregister: () => rollout.unregister(name, (command as { ids: string[] }).ids),
    pattern: () => rollout.register(name, new RegExp((command as { source: string }).source)),
    unpattern: () => rollout.unregister(name, new RegExp((command as { source: string }).source)),
    remove: () => rollout.remove(name),
    revertLatest: async () => {
      const [latest] = await rollout.history({ feature: name, limit: 1 });
      if (latest) await rollout.revert(latest.id, { force: (command as { force: boolean }).force });
    },
  };
  try {
    await calls[command.kind]();
  } catch (err) {
    if ((err as { code?: string }).code !== 'HANOI_FEATURE_NOT_FOUND') throw err;
  }
}

/**
 * The replay property: for random write sequences on a fresh feature each
 * run, replaying the feature's entries from its creation gives what the
 * store holds (an independent rebuild: nothing of the store's code runs).
 *
 * @example
 * await checkReplay(new Rollout(new MemoryBackend()), 200);
 */
export async function checkReplay(rollout: Rollout, numRuns: number): Promise<void> {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(historyCommands, async (commands) => {
      const name = `f${run++}`;
      await rollout.addFunc(name);
      for (const command of commands) await runHistoryCommand(rollout, name, command);
      const entries: HistoryEntry[] = await rollout.history({ feature: name, limit: 10_000 });
      const state = [...entries].reverse().reduce(replay, undefined);
      const rebuilt = state && { name, ...state.data, users: [...state.users], patterns: [...state.patterns.values()] };
      expect(comparable(rebuilt)).toEqual(comparable(await rollout.getFunc(name)));
    }),
    { numRuns },
  );
}
