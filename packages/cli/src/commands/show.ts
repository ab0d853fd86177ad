import { FeatureNotFoundError } from '@hanoi/core';
import type { Command } from 'commander';
import { formatPattern, formatVariants } from '../format';
import type { CliIo } from '../output';
import { parseName } from '../parse-args';
import { action, type OpenSession } from '../session';

const USERS_SHOWN = 20;

/**
 * `hanoi show <name>`: one feature in full. `--json` prints its snapshot,
 * every user included; the table lists the first 20 users.
 *
 * @example
 * addShowCommand(program, io, openRedisSession);
 */
export function addShowCommand(program: Command, io: CliIo, open: OpenSession): void {
  program
    .command('show')
    .argument('<name>', 'the feature')
    .description('show one feature: its switch, percentage, variants, patterns and users')
    .action(
      action(open, io, async ([name], _options, context) => {
        parseName(name!);
        const feature = await context.withRollout((rollout) => rollout.getFunc(name!));
        if (!feature) throw new FeatureNotFoundError(name!);
        await context.out.result(feature, () => {
          const users = [...feature.users].sort();
          const shown = users.slice(0, USERS_SHOWN).join('\n');
          const more =
            users.length > USERS_SHOWN ? `\n… and ${users.length - USERS_SHOWN} more (--json lists all)` : '';
          return context.out.table(
            ['field', 'value'],
            [
              ['name', feature.name],
              ['enabled', feature.enabled ? 'on' : 'off'],
              ['percentage', `${feature.percentage}%`],
              ['variants', formatVariants(feature.variants)],
              ['patterns', feature.patterns.map(formatPattern).join('\n') || '-'],
              [`users (${users.length})`, users.length === 0 ? '-' : shown + more],
            ],
          );
        });
      }),
    );
}
