import { FeatureNotFoundError, type Rollout } from '@hanoi/core';
import { summarize, summaryLine, type FeatureSummary } from '../format';
import type { CommandContext } from '../session';

/**
 * Runs one management change on a feature, then prints the feature as it
 * now stands (one line, or its summary under `--json`). The state comes from
 * what the rollout holds after the write (read your writes), so a feature
 * with a million users is not fetched whole to print one line.
 *
 * @example
 * await applyChange(context, 'beta', (rollout) => rollout.enable('beta'));
 */
export async function applyChange(
  context: CommandContext,
  name: string,
  change: (rollout: Rollout) => Promise<unknown>,
): Promise<FeatureSummary> {
  const summary = await context.withRollout(async (rollout) => {
    await change(rollout);
    return currentSummary(rollout, name);
  });
  await context.out.result(summary, () => summaryLine(summary));
  return summary;
}

/**
 * The feature's fields as the rollout holds them, or from the store.
 *
 * @example
 * await currentSummary(rollout, 'beta');
 */
export async function currentSummary(rollout: Rollout, name: string): Promise<FeatureSummary> {
  const state = rollout.peek(name);
  if (state) return summarize(state);
  const snapshot = await rollout.getFunc(name);
  if (!snapshot) throw new FeatureNotFoundError(name);
  return summarize(snapshot);
}
