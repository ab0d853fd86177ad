import { PostgresBackend } from '@hanoi/postgres';
import type { Pool } from 'pg';
import { quietLogger, usePostgres } from '../postgres/postgres-fixture';
import { describeUnleashSuite } from './unleash-suite';

// The same specification on a real PostgreSQL, in both modes: users held in
// every process, and users (listed and segments') looked up in the database.
const pg = usePostgres();
let pool: Pool;
beforeAll(() => {
  pool = pg.pool();
});

describeUnleashSuite(
  'PostgresBackend',
  async () => new PostgresBackend(pool, { schema: await pg.schema(), logger: quietLogger() }),
);

describeUnleashSuite(
  'PostgresBackend with lookupUsers',
  async () => new PostgresBackend(pool, { schema: await pg.schema(), lookupUsers: true, logger: quietLogger() }),
);
