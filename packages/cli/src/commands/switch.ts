import type { Command } from 'commander';
import type { CliIo } from '../output';
import { parseName } from '../parse-args';
import { action, type OpenSession } from '../session';
import { applyChange } from './change';

/**
 * `hanoi enable|disable|toggle <name>`: the master switch. Off means nobody
 * has the feature, listed users included.
 *
 * @example
 * addSwitchCommands(program, io, openRedisSession); // hanoi disable beta
 */
export function addSwitchCommands(program: Command, io: CliIo, open: OpenSession): void {
  const commands = [
    ['enable', 'switch a feature on (its percentage, users and patterns apply again)'],
    ['disable', 'switch a feature off for everyone, listed users included'],
    ['toggle', 'flip the switch'],
  ] as const;
  for (const [verb, description] of commands) {
    program
      .command(verb)
      .argument('<name>', 'the feature')
      .description(description)
      .action(
        action(open, io, async ([name], _options, context) => {
          parseName(name!);
          await applyChange(context, name!, (rollout) => rollout[verb](name!));
        }),
      );
  }
}
