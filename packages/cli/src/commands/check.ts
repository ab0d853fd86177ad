import { normalizeUserId, type Context, type Explanation, type Rollout } from '@hanoi/core';
import type { Command } from 'commander';
import { collectAttribute, userWithAttributes } from '../attributes';
import { ExitCode, QuietExit } from '../exit-codes';
import { explanationText } from '../explain-text';
import type { CliIo } from '../output';
import { parseName } from '../parse-args';
import { action, type OpenSession } from '../session';

/**
 * `hanoi check <name> [user] [--attr name=value ...]`: whether the feature
 * is on for the user (with those attributes), and why, in the order of
 * SPEC.md's rules; `--json` adds the user's variant.
 * Exits 0 whether on or off, 3 when there is no such feature.
 *
 * @example
 * addCheckCommand(program, io, openRedisSession); // hanoi check beta 44488 -> off: bucket 88 is not under 10%
 */
export function addCheckCommand(program: Command, io: CliIo, open: OpenSession): void {
  program
    .command('check')
    .argument('<name>', 'the feature')
    .argument('[user]', 'the user id; without one, the answer for no user (on only at 100%)')
    .option('--attr <name=value>', 'an attribute of the user, for rules (repeatable)', collectAttribute, [])
    .description('say whether a feature is on for a user, and why')
    .action(
      action(open, io, async ([name, user], options, context) => {
        parseName(name!);
        const id = user === undefined ? undefined : normalizeUserId(user);
        const subject = userWithAttributes(id, (options as { attr: string[] }).attr);
        const { explanation, variant } = await context.withRollout((rollout) => explainFor(rollout, name!, subject));
        await context.out.result({ feature: name, user: id ?? null, ...explanation, variant: variant ?? null }, () =>
          explanationText(explanation, name),
        );
        if (explanation.reason === 'unknown') throw new QuietExit(ExitCode.UNKNOWN_FEATURE);
      }),
    );
}

/**
 * Explains `name` for `id` with `rollout.explain`, which asks the store
 * whether the user is listed whenever that could be the reason, and adds
 * the user's variant.
 */
async function explainFor(
  rollout: Rollout,
  name: string,
  user: string | Context | undefined,
): Promise<{ explanation: Explanation; variant: string | undefined }> {
  // The rollout loaded every feature on start; a feature created a moment
  // ago may not have reached it yet, so read it from the store.
  if (!rollout.peek(name)) await rollout.getFunc(name);
  const explanation = await rollout.explain(name, user);
  const variant = explanation.enabled && user !== undefined ? await rollout.variant(name, user) : undefined;
  return { explanation, variant };
}
