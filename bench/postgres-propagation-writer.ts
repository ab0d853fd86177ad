/**
 * The writer process of the PostgreSQL propagation benchmark (see propagation-writer-loop.ts).
 *
 * Run: node --import tsx postgres-propagation-writer.ts <database-url> <schema>
 */
import { Rollout } from '@hanoi/core';
import { PostgresBackend } from '@hanoi/postgres';
import { Pool } from 'pg';
import { serveWrites } from './propagation-writer-loop';

const [url, schema] = process.argv.slice(2) as [string, string];
const pool = new Pool({ connectionString: url, max: 2 });
const backend = new PostgresBackend(pool, { schema });
serveWrites(new Rollout(backend), () => backend.close().then(() => pool.end()));
