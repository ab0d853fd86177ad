import type { FeatureOptions } from '@hanoi/core';
import type { Command } from 'commander';
import type { CliIo } from '../output';
import { parseName, parsePercentage, parseVariants } from '../parse-args';
import { action, type OpenSession } from '../session';
import { applyChange } from './change';

interface AddOptions {
  percentage?: string;
  variants?: string;
  disabled?: boolean;
}

/**
 * `hanoi add <name>`: creates a feature (on, 0%, no variants unless told),
 * or updates the fields given on an existing one and keeps the rest, users
 * and patterns included (as `rollout.addFunc`).
 *
 * @example
 * addAddCommand(program, io, openRedisSession); // hanoi add beta --percentage 10 --variants control,new
 */
export function addAddCommand(program: Command, io: CliIo, open: OpenSession): void {
  program
    .command('add')
    .argument('<name>', 'the feature: 1 to 128 characters, no whitespace')
    .description('create a feature, or update the fields given and keep the rest')
    .option('-p, --percentage <n>', 'share of users (by bucket) that have it: an integer 0..100')
    .option('--variants <list>', 'variants: a,b or a=90,b=10, or a JSON array')
    .option('--disabled', 'create or set it switched off')
    .action(
      action<AddOptions>(open, io, async ([name], options, context) => {
        parseName(name!);
        const fields: FeatureOptions = {};
        if (options.percentage !== undefined) fields.percentage = parsePercentage(options.percentage);
        if (options.variants !== undefined) fields.variants = parseVariants(options.variants);
        if (options.disabled) fields.enabled = false;
        await applyChange(context, name!, (rollout) => rollout.addFunc(name!, fields));
      }),
    );
}
