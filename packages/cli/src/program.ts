import { Command } from 'commander';
import { addAddCommand } from './commands/add';
import { addCheckCommand } from './commands/check';
import { addExportCommand } from './commands/export';
import { addImportCommand } from './commands/import';
import { addHistoryCommand } from './commands/history';
import { addListCommand } from './commands/list';
import { addMigrateCommand } from './commands/migrate';
import { addPercentageCommand } from './commands/percentage';
import { addRemoveCommand } from './commands/remove';
import { addRevertCommand } from './commands/revert';
import { addShowCommand } from './commands/show';
import { addSwitchCommands } from './commands/switch';
import { addTargetingCommands } from './commands/targeting';
import { addUsersCommands } from './commands/users';
import { addVariantsCommand } from './commands/variants';
import type { CliIo } from './output';
import type { OpenSession } from './session';

/** Kept in step with package.json by hand: the binary has no package.json at hand once bundled. */
export const VERSION = '0.1.0';

const EXIT_CODES = `
Exit codes:
  0  done
  1  unexpected error
  2  usage or invalid input (nothing was changed)
  3  no such feature
  4  Redis could not be reached in time (see --timeout)
  5  conflict, nothing written: a revert of a changed feature (see --force), a segment or feature in use`;

/**
 * The `hanoi` command tree. Commander prints help and usage errors through
 * `io` and throws instead of exiting, so `run` decides the exit code.
 *
 * @example
 * await buildProgram(io, openRedisSession).parseAsync(['list'], { from: 'user' });
 */
export function buildProgram(io: CliIo, open: OpenSession): Command {
  const program = new Command('hanoi')
    .description('Manage hanoi feature flags on Redis: the same store, and the same change notices, your apps use.')
    .version(VERSION)
    .option('--redis <url>', 'the Redis to use, e.g. redis://127.0.0.1:6379 (default: $REDIS_URL)')
    .option('--cluster <nodes>', 'a Redis Cluster instead: host:port,host:port,...')
    .option('--prefix <prefix>', 'the key prefix your apps use (default: the backend\'s, "hanoi")')
    .option(
      '--backend <kind>',
      'highperf or simple: the backend class the CLI uses (both share one key layout)',
      'highperf',
    )
    .option(
      '--postgres <url>',
      'a PostgreSQL database (@hanoi/postgres) instead of Redis, e.g. postgres://user@host/app',
    )
    .option('--schema <name>', 'with --postgres: the schema your apps use (default: "hanoi")')
    .option('--timeout <ms>', 'give up on Redis after this many milliseconds (exit 4)', '3000')
    .option('--actor <who>', 'who makes the changes, as history records them (default: user@host)')
    .option('--reason <why>', 'why, as history records it')
    .option('--json', 'print results as JSON, for scripts')
    .option('--no-progress', 'never draw a progress bar (it is only drawn when stderr is a terminal)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXIT_CODES);
  addListCommand(program, io, open);
  addShowCommand(program, io, open);
  addAddCommand(program, io, open);
  addSwitchCommands(program, io, open);
  addPercentageCommand(program, io, open);
  addVariantsCommand(program, io, open);
  addUsersCommands(program, io, open);
  addRemoveCommand(program, io, open);
  addCheckCommand(program, io, open);
  addTargetingCommands(program, io, open);
  addExportCommand(program, io, open);
  addImportCommand(program, io, open);
  addHistoryCommand(program, io, open);
  addRevertCommand(program, io, open);
  addMigrateCommand(program, io);
  for (const command of program.commands) command.addHelpText('after', EXIT_CODES);
  return program;
}
