import type { Command } from 'commander';
import { historyRow } from '../history-text';
import type { CliIo } from '../output';
import { parseName } from '../parse-args';
import { action, type OpenSession } from '../session';
import { UsageError } from '../exit-codes';

/**
 * `hanoi history [name] [--limit N] [--before ID]`: who changed what, when
 * and why, newest first, as a table (or JSON). Says when retention
 * (`historyLimit`) has dropped older entries.
 *
 * @example
 * addHistoryCommand(program, io, openRedisSession); // hanoi history beta --limit 5
 */
export function addHistoryCommand(program: Command, io: CliIo, open: OpenSession): void {
  program
    .command('history')
    .argument('[name]', 'only this feature')
    .option('--limit <n>', 'at most this many entries, newest first', '20')
    .option('--before <id>', 'only entries older than this entry id (the next page)')
    .description('show who changed what, when and why')
    .action(
      action<{ limit: string; before?: string }>(open, io, async ([name], options, context) => {
        if (name !== undefined) parseName(name);
        const limit = Number(options.limit);
        if (!/^\d+$/.test(options.limit) || limit < 1 || limit > 10_000) {
          throw new UsageError(`--limit is a whole number from 1 to 10000, not ${JSON.stringify(options.limit)}.`);
        }
        const page = await context.withRollout((rollout) =>
          rollout.historyPage({
            limit,
            ...(name !== undefined ? { feature: name } : {}),
            ...(options.before !== undefined ? { before: options.before } : {}),
          }),
        );
        const reachedEnd = page.entries.length < limit;
        const dropped =
          page.dropped > 0 && reachedEnd
            ? `${page.dropped} older entries were dropped (the store keeps the newest historyLimit entries).`
            : undefined;
        await context.out.result(page, () => {
          const lines = [
            page.entries.length === 0
              ? 'no history'
              : context.out.table(['id', 'when (UTC)', 'who', 'what', 'before -> after'], page.entries.map(historyRow)),
          ];
          if (dropped) lines.push(dropped);
          return lines.join('\n');
        });
      }),
    );
}
