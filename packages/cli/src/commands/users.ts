import { FeatureNotFoundError, patternSpec } from '@hanoi/core';
import type { Command } from 'commander';
import { applyIdFile, describeBadLines, validateIdFile, type BulkResult } from '../bulk-users';
import { UsageError } from '../exit-codes';
import { formatPattern } from '../format';
import type { CliIo, Output } from '../output';
import { parseIds, parseName, parsePatterns } from '../parse-args';
import { action, type OpenSession } from '../session';

interface UsersOptions {
  pattern: string[];
  flags?: string;
  file?: string;
  skipInvalid?: boolean;
  batch: string;
}

const IN_FLIGHT = 4;

/**
 * `hanoi register|unregister <name> [ids...]`, with `--pattern <regexp>`
 * (repeatable) and `--file <path>` (one id per line, streamed in batches).
 * Everything typed is checked first; a file is checked whole in a first
 * pass unless `--skip-invalid`, so a bad line means nothing was written.
 *
 * @example
 * addUsersCommands(program, io, openRedisSession); // hanoi register beta --file ids.txt
 */
export function addUsersCommands(program: Command, io: CliIo, open: OpenSession): void {
  for (const verb of ['register', 'unregister'] as const) {
    program
      .command(verb)
      .argument('<name>', 'the feature')
      .argument('[ids...]', 'user ids')
      .description(
        verb === 'register'
          ? 'give a feature to users: by id, by pattern, or from a file of ids'
          : 'undo register: remove users by id or from a file, or remove a pattern',
      )
      .option('--pattern <regexp>', 'a regular expression a user id is searched with; repeatable', collect, [])
      .option('--flags <flags>', 'flags for --pattern: any of i, m, s, u')
      .option('-f, --file <path>', 'a file of user ids, one per line, streamed')
      .option(
        '--skip-invalid',
        `${verb} the valid lines of --file and list the bad ones (default: ${verb} nothing if any is bad)`,
      )
      .option('--batch <n>', 'ids per write when streaming --file', '1000')
      .action(
        action<UsersOptions>(open, io, async ([name, ...typed], options, context) => {
          parseName(name!);
          const ids = parseIds(typed);
          const patterns = parsePatterns(options.pattern, options.flags);
          const batchSize = Number(options.batch);
          if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
            throw new UsageError(`--batch is a whole number from 1 to 100000, not ${JSON.stringify(options.batch)}.`);
          }
          if (ids.length === 0 && patterns.length === 0 && options.file === undefined) {
            throw new UsageError(`Give user ids, --pattern <regexp> or --file <path> to ${verb}.`);
          }
          const bulk = {
            verb,
            batchSize,
            inFlight: IN_FLIGHT,
            skipInvalid: options.skipInvalid === true,
            progress: context.showProgress,
            stderr: io.stderr,
          };
          const fromFile = await context.withRollout(async (rollout) => {
            if (!(await rollout.listFuncs()).includes(name!)) throw new FeatureNotFoundError(name!);
            if (options.file !== undefined && !bulk.skipInvalid) await validateIdFile(options.file, bulk);
            if (ids.length > 0) await rollout[verb](name!, ids);
            for (const pattern of patterns) await rollout[verb](name!, pattern);
            return options.file === undefined ? undefined : applyIdFile(rollout, name!, options.file, bulk);
          });
          await report(context.out, verb, name!, ids.length, patterns, options.file, fromFile);
        }),
      );
  }
}

async function report(
  out: Output,
  verb: string,
  name: string,
  typed: number,
  patterns: RegExp[],
  file: string | undefined,
  fromFile: BulkResult | undefined,
): Promise<void> {
  if (fromFile && fromFile.invalidCount > 0) out.note(describeBadLines(file!, fromFile));
  const users = typed + (fromFile?.ids ?? 0);
  const specs = patterns.map(patternSpec);
  const value = {
    feature: name,
    [verb]: { users, patterns: specs },
    skipped: fromFile?.invalidCount ?? 0,
    invalid: fromFile?.invalid ?? [],
  };
  await out.result(value, () => {
    const parts: string[] = [];
    if (users > 0 || file !== undefined) parts.push(`${users} user${users === 1 ? '' : 's'}`);
    if (specs.length > 0) parts.push(`pattern${specs.length === 1 ? '' : 's'} ${specs.map(formatPattern).join(' ')}`);
    const skipped = fromFile && fromFile.invalidCount > 0 ? `; skipped ${fromFile.invalidCount} bad line(s)` : '';
    return `${name}: ${verb}ed ${parts.join(' and ')}${skipped}`;
  });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
