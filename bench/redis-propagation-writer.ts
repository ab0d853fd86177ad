/**
 * The writer process of the propagation benchmark (see propagation-writer-loop.ts).
 *
 * Run: node --import tsx redis-propagation-writer.ts <redis-url> <prefix> <RedisBackend|RedisHighPerfBackend>
 */
import { Rollout } from '@hanoi/core';
import { RedisBackend, RedisHighPerfBackend } from '@hanoi/redis';
import { Redis } from 'ioredis';
import { serveWrites } from './propagation-writer-loop';

const [url, prefix, kind] = process.argv.slice(2) as [string, string, string];
const client = new Redis(url);
const Backend = kind === 'RedisBackend' ? RedisBackend : RedisHighPerfBackend;
const backend = new Backend(client, { prefix });
serveWrites(new Rollout(backend), () => backend.close().then(() => client.quit()));
