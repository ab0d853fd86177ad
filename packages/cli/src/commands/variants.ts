import type { Command } from 'commander';
import { UsageError } from '../exit-codes';
import type { CliIo } from '../output';
import { parseName, parseVariants } from '../parse-args';
import { action, type OpenSession } from '../session';
import { applyChange } from './change';

/**
 * `hanoi variants <name> <list>`: replaces the variants of an experiment;
 * `--none` removes them. Changing the list may move users between variants.
 *
 * @example
 * addVariantsCommand(program, io, openRedisSession); // hanoi variants beta control=90,new=10
 */
export function addVariantsCommand(program: Command, io: CliIo, open: OpenSession): void {
  program
    .command('variants')
    .argument('<name>', 'the feature')
    .argument('[list]', 'a,b or a=90,b=10 (weights), or a JSON array of names or { name, weight }')
    .option('--none', 'remove every variant')
    .description('replace the variants of a feature')
    .action(
      action<{ none?: boolean }>(open, io, async ([name, list], options, context) => {
        parseName(name!);
        if ((list === undefined) === (options.none !== true)) {
          throw new UsageError('Give a variant list (a,b or a=90,b=10) or --none, not both.');
        }
        const variants = list === undefined ? [] : parseVariants(list);
        await applyChange(context, name!, (rollout) => rollout.setVariants(name!, variants));
      }),
    );
}
