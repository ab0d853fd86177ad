import type { FeatureStore } from '@hanoi/core';
import { describeStoreContract } from '@hanoi/core/testing';
import { PostgresStore } from '@hanoi/postgres';
import type { Pool } from 'pg';
import { asOutsider, usePostgres } from './postgres-fixture';

// The store contract of @hanoi/core/testing on the PostgreSQL store, in both
// configurations: a second process is another pool on the same schema, and
// a reset truncates the tables behind the processes' backs.
const pg = usePostgres();
let pools: Pool[];
beforeAll(() => {
  pools = [pg.pool(), pg.pool()];
});

async function truncate(store: FeatureStore): Promise<void> {
  const { tables } = (store as PostgresStore).config;
  await asOutsider(
    pools[0]!,
    `TRUNCATE ${tables.users}, ${tables.patterns}, ${tables.denied}, ${tables.features}, ${tables.head}`,
  );
}

for (const holdsUsers of [true, false]) {
  const kind = holdsUsers ? 'PostgresStore holding users' : 'PostgresStore with users looked up';
  let schema = '';
  describeStoreContract(
    kind,
    async () => {
      schema = await pg.schema();
      return new PostgresStore(pools[0]!, { schema }, holdsUsers);
    },
    {
      second: () => new PostgresStore(pools[1]!, { schema }, holdsUsers),
      reset: truncate,
    },
  );
}
