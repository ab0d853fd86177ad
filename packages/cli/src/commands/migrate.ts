import { BackendUnavailableError } from '@hanoi/core';
import { DEFAULT_SCHEMA, migrate } from '@hanoi/postgres';
import type { Command } from 'commander';
import { Pool } from 'pg';
import { UsageError } from '../exit-codes';
import { Output, type CliIo } from '../output';

/**
 * `hanoi migrate --postgres URL [--schema NAME]`: creates the tables
 * `@hanoi/postgres` keeps features in, or leaves them as they are (safe on
 * every deploy). Exit 4 when the database cannot be reached in `--timeout`.
 *
 * @example
 * addMigrateCommand(program, io); // hanoi migrate --postgres postgres://app@127.0.0.1/app
 */
export function addMigrateCommand(program: Command, io: CliIo): void {
  program
    .command('migrate')
    .description('create the PostgreSQL tables @hanoi/postgres uses (idempotent; --postgres or $DATABASE_URL)')
    .action(async (_options: unknown, command: Command) => {
      // --postgres and --schema are the program's options, as every command takes them.
      const globals = command.optsWithGlobals<{
        json?: boolean;
        timeout?: string;
        postgres?: string;
        schema?: string;
      }>();
      const url = globals.postgres ?? io.env.DATABASE_URL;
      if (!url) throw new UsageError('Which database? Pass --postgres postgres://user@host/db or set DATABASE_URL.');
      if (!/^postgres(ql)?:\/\//.test(url)) {
        throw new UsageError(
          `--postgres takes a URL such as postgres://user@host:5432/app, not ${JSON.stringify(url)}.`,
        );
      }
      const schema = globals.schema ?? DEFAULT_SCHEMA;
      const timeoutMs = Number(globals.timeout ?? 3000) || 3000;
      const pool = new Pool({ connectionString: url, max: 1, connectionTimeoutMillis: timeoutMs });
      pool.on('error', () => {});
      try {
        await migrate(pool, { schema });
      } catch (err) {
        if (err instanceof TypeError) throw new UsageError(err.message);
        const target = url.replace(/\/\/[^@/]*@/, '//***@');
        throw new BackendUnavailableError(
          `PostgreSQL at ${target} could not be migrated (${(err as Error).message}). ` +
            'Check the address (--postgres or DATABASE_URL), that the server runs and that the user may create a schema.',
          { cause: err },
        );
      } finally {
        await pool.end().catch(() => {});
      }
      await new Output(io, globals.json === true).result({ migrated: schema }, () => `migrated schema ${schema}`);
    });
}
