export { WriteOutcomeUnknownError } from '@hanoi/core';
export { DEFAULT_PREFIX, prefixKeys, type KeySpace } from './keys';
export type { RedisBackendOptions } from './options';
export { RedisBackend } from './redis-backend';
export { RedisHighPerfBackend } from './redis-high-perf-backend';
export { RedisStore } from './redis-store';
export type { RedisClient } from './scripts';
