import type { Command } from 'commander';
import type { CliIo } from '../output';
import { action, type OpenSession } from '../session';

/**
 * `hanoi revert <id> [--force]`: writes back what a history entry changed,
 * as a new entry. Refused (exit 5) when the feature changed after that
 * entry, unless `--force`.
 *
 * @example
 * addRevertCommand(program, io, openRedisSession); // hanoi revert 1764490212345-0
 */
export function addRevertCommand(program: Command, io: CliIo, open: OpenSession): void {
  program
    .command('revert')
    .argument('<id>', 'the history entry to undo (hanoi history shows ids)')
    .option('--force', 'revert even when the feature changed after that entry')
    .description("undo one change: write back its 'before', as a new entry")
    .action(
      action<{ force?: boolean }>(open, io, async ([id], options, context) => {
        const entry = await context.withRollout((rollout) => rollout.revert(id!, { force: options.force === true }));
        await context.out.result({ reverted: id, entry }, () => `reverted ${id}: new entry ${entry}`);
      }),
    );
}
