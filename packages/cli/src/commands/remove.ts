import type { Command } from 'commander';
import type { CliIo } from '../output';
import { parseName } from '../parse-args';
import { action, type OpenSession } from '../session';

/**
 * `hanoi remove <name>`: deletes a feature with its users and patterns.
 * Apps then answer "off" for it.
 *
 * @example
 * addRemoveCommand(program, io, openRedisSession); // hanoi remove beta
 */
export function addRemoveCommand(program: Command, io: CliIo, open: OpenSession): void {
  program
    .command('remove')
    .argument('<name>', 'the feature')
    .description('delete a feature, its users and its patterns')
    .action(
      action(open, io, async ([name], _options, context) => {
        parseName(name!);
        await context.withRollout((rollout) => rollout.remove(name!));
        await context.out.result({ removed: name }, () => `removed ${name}`);
      }),
    );
}
