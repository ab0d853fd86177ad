import type { Command } from 'commander';
import type { CliIo } from '../output';
import { parseName, parsePercentage } from '../parse-args';
import { action, type OpenSession } from '../session';
import { applyChange } from './change';

/**
 * `hanoi percentage <name> <n>`: the share of users (buckets 0..n-1) that
 * have the feature. Raising it only adds users; lowering it only removes.
 *
 * @example
 * addPercentageCommand(program, io, openRedisSession); // hanoi percentage beta 25
 */
export function addPercentageCommand(program: Command, io: CliIo, open: OpenSession): void {
  program
    .command('percentage')
    .argument('<name>', 'the feature')
    .argument('<n>', 'an integer from 0 to 100')
    .description('set the percentage of users that have a feature')
    .action(
      action(open, io, async ([name, percent], _options, context) => {
        parseName(name!);
        const percentage = parsePercentage(percent!);
        await applyChange(context, name!, (rollout) => rollout.setPercentage(name!, percentage));
      }),
    );
}
