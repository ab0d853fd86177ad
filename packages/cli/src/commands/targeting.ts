import { readFile } from 'node:fs/promises';
import type { Rollout } from '@hanoi/core';
import type { Command } from 'commander';
import { UsageError } from '../exit-codes';
import type { CliIo } from '../output';
import { parseIds, parseName } from '../parse-args';
import { action, type OpenSession } from '../session';
import { applyChange } from './change';

/** JSON given inline, or read from `@path`. */
async function jsonArgument(text: string, what: string): Promise<unknown> {
  const source = text.startsWith('@') ? await readFile(text.slice(1), 'utf8') : text;
  try {
    return JSON.parse(source);
  } catch (err) {
    throw new UsageError(`${what} is JSON (inline, or @file): ${(err as Error).message}.`);
  }
}

/**
 * `hanoi rules <name> <json|@file>` (or `--clear`), `hanoi deny|undeny <name> <ids...>`
 * and `hanoi segment define|register|unregister|remove|show|list`: the
 * targeting of SPEC.md, on a backend that stores it (others refuse with
 * HANOI_UNSUPPORTED and write nothing).
 *
 * @example
 * addTargetingCommands(program, io, open); // hanoi rules beta '[{"constraints":[...]}]'
 */
export function addTargetingCommands(program: Command, io: CliIo, open: OpenSession): void {
  program
    .command('rules')
    .argument('<name>', 'the feature')
    .argument('[rules]', 'the rules as JSON, inline or @file: [{ "name"?, "constraints": [...], "percentage"? }]')
    .option('--clear', 'remove every rule')
    .description('replace the rules of a feature')
    .action(
      action<{ clear?: boolean }>(open, io, async ([name, text], options, context) => {
        parseName(name!);
        if ((text === undefined) === !options.clear) throw new UsageError('Give the rules as JSON, or --clear.');
        const rules = options.clear ? [] : await jsonArgument(text!, 'rules');
        await applyChange(context, name!, (rollout) => rollout.setRules(name!, rules as never));
      }),
    );

  for (const verb of ['deny', 'undeny'] as const) {
    program
      .command(verb)
      .argument('<name>', 'the feature')
      .argument('<ids...>', 'user ids (the feature’s unit)')
      .description(verb === 'deny' ? 'deny users a feature, whatever else says' : 'take users off the deny list')
      .action(
        action(open, io, async ([name, ...ids], _options, context) => {
          parseName(name!);
          const units = parseIds(ids);
          await applyChange(context, name!, (rollout) => rollout[verb](name!, units));
        }),
      );
  }

  const segment = program.command('segment').description('manage segments shared by features');
  const show = async (rollout: Rollout, name: string) => {
    const found = await rollout.getSegment(name);
    if (!found) throw new UsageError(`No segment is named ${JSON.stringify(name)}.`);
    return found;
  };
  const line = (s: { name: string; users: string[]; constraints: unknown[] }) =>
    `${s.name}: ${s.users.length} users, ${s.constraints.length} constraints`;
  segment
    .command('define')
    .argument('<name>', 'the segment')
    .option('--users <ids>', 'its users, comma-separated (replaces the list)')
    .option('--constraints <json>', 'its constraints as JSON, inline or @file (replaces them)')
    .description('create a segment, or replace the fields given')
    .action(
      action<{ users?: string; constraints?: string }>(open, io, async ([name], options, context) => {
        const definition = {
          ...(options.users !== undefined ? { users: parseIds(options.users.split(',').filter(Boolean)) } : {}),
          ...(options.constraints !== undefined
            ? { constraints: (await jsonArgument(options.constraints, 'constraints')) as never }
            : {}),
        };
        const result = await context.withRollout(async (rollout) => {
          await rollout.defineSegment(name!, definition);
          return show(rollout, name!);
        });
        await context.out.result(result, () => line(result));
      }),
    );
  for (const [verb, method] of [
    ['register', 'registerSegment'],
    ['unregister', 'unregisterSegment'],
  ] as const) {
    segment
      .command(verb)
      .argument('<name>', 'the segment')
      .argument('<ids...>', 'user ids')
      .description(verb === 'register' ? 'add users to a segment' : 'remove users from a segment')
      .action(
        action(open, io, async ([name, ...ids], _options, context) => {
          const units = parseIds(ids);
          const result = await context.withRollout(async (rollout) => {
            await rollout[method](name!, units);
            return show(rollout, name!);
          });
          await context.out.result(result, () => line(result));
        }),
      );
  }
  segment
    .command('remove')
    .argument('<name>', 'the segment')
    .description('delete a segment (refused while a rule uses it)')
    .action(
      action(open, io, async ([name], _options, context) => {
        await context.withRollout((rollout) => rollout.removeSegment(name!));
        await context.out.result({ removed: name }, () => `removed segment ${name}`);
      }),
    );
  segment
    .command('show')
    .argument('<name>', 'the segment')
    .description('print a segment: its users and constraints')
    .action(
      action(open, io, async ([name], _options, context) => {
        const found = await context.withRollout((rollout) => show(rollout, name!));
        await context.out.result(found, () => `${line(found)}\n${JSON.stringify(found.constraints)}`);
      }),
    );
  segment
    .command('list')
    .description('list the segments')
    .action(
      action(open, io, async (_args, _options, context) => {
        const names = (await context.withRollout((rollout) => rollout.listSegments())).sort();
        await context.out.result(names, () => names.join('\n'));
      }),
    );
}
