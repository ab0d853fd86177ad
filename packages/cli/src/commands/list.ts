import { isHanoiError } from '@hanoi/core';
import type { Command } from 'commander';
import { formatPattern, formatVariants, summarize } from '../format';
import { currentSummary } from './change';
import type { CliIo } from '../output';
import { action, type OpenSession } from '../session';

/**
 * `hanoi list`: every feature, one row each, with how many users it lists.
 *
 * @example
 * addListCommand(program, io, openRedisSession);
 */
export function addListCommand(program: Command, io: CliIo, open: OpenSession): void {
  program
    .command('list')
    .description('list every feature: switch, percentage, users, patterns, variants')
    .action(
      action(open, io, async (_args, _options, context) => {
        const rows = await context.withRollout(async (rollout, session) => {
          const names = (await rollout.listFuncs()).sort();
          const found = await Promise.all(
            names.map(async (name) => {
              if (!session.userCount) {
                const snapshot = await rollout.getFunc(name);
                return snapshot && { ...summarize(snapshot), userCount: snapshot.users.length };
              }
              const [userCount, summary] = await Promise.all([
                session.userCount(name),
                currentSummary(rollout, name).catch(ifRemoved),
              ]);
              return summary && { ...summary, userCount };
            }),
          );
          return found.filter((row) => row !== undefined);
        });
        await context.out.result(rows, () => {
          if (rows.length === 0) return 'no features';
          return context.out.table(
            ['name', 'enabled', '%', 'users', 'patterns', 'variants'],
            rows.map((row) => [
              row.name,
              row.enabled ? 'on' : 'off',
              String(row.percentage),
              String(row.userCount),
              row.patterns.map(formatPattern).join(' ') || '-',
              formatVariants(row.variants),
            ]),
          );
        });
      }),
    );
}

/** A feature removed while the list was read is left out. */
function ifRemoved(err: unknown): undefined {
  if (isHanoiError(err, 'HANOI_FEATURE_NOT_FOUND')) return undefined;
  throw err;
}
