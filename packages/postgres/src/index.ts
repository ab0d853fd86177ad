export { PostgresBackend } from './postgres-backend';
export { PostgresStore } from './postgres-store';
export { DEFAULT_SCHEMA, migrate, type MigrateOptions } from './schema';
export type { PostgresBackendOptions, PostgresStoreOptions } from './options';
