/**
 * The cost of a change to a feature with 5,000 patterns (issue goal: no
 * event loop stalls more than 20 ms; a few KB of heap per pattern at most).
 * The patterns are seeded straight into Redis; a writer and a reader process
 * (two RedisBackends in this process, two clients) load them; then the
 * writer registers users and adds patterns, and the longest event-loop stall
 * is measured over the changes and the reader's reloads. A first check
 * after a change is timed apart: it builds the combined matcher
 * (pattern.ts), not the cache.
 *
 * Run: pnpm --filter @hanoi/bench patterns-change
 */
import { Rollout } from '@hanoi/core';
import { RedisBackend } from '@hanoi/redis';
import Redis from 'ioredis';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { machineLine } from './lib';
import { startBenchRedis } from './redis-setup';

const PATTERNS = 5000;
const CHANGES = 20;
const quiet = { warn() {}, error() {} };
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const heap = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

async function main(): Promise<void> {
  const redis = await startBenchRedis();
  const prefix = `patterns-${process.pid}`;
  const base = `{${prefix}}:`;
  try {
    const members = Array.from({ length: PATTERNS }, (_, i) =>
      JSON.stringify([`^p${i}-[a-z]+\\d*$`, i % 3 ? '' : 'i']),
    );
    await redis.admin.sadd(`${base}index`, 'many');
    await redis.admin.hset(`${base}f:many`, 'enabled', '1', 'percentage', '0', 'variants', '[]');
    for (let i = 0; i < members.length; i += 1000)
      await redis.admin.sadd(`${base}p:many`, ...members.slice(i, i + 1000));

    const before = heap();
    const readerClient = new Redis(redis.server.url);
    const reader = new RedisBackend(readerClient, { prefix, logger: quiet });
    await reader.ready();
    const loaded = heap();
    const writerClient = new Redis(redis.server.url);
    const writer = new Rollout(new RedisBackend(writerClient, { prefix, logger: quiet }), { logger: quiet });
    await writer.ready();

    const stalls = monitorEventLoopDelay({ resolution: 1 });
    stalls.enable();
    for (let i = 0; i < CHANGES; i++) {
      await writer.register('many', `user-${i}`);
      await writer.register('many', new RegExp(`^extra${i}$`));
      const expected = 2 * (i + 1);
      for (let w = 0; w < 500 && (reader.peek('many')?.patterns.length ?? 0) < PATTERNS + i + 1; w++) {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      void expected;
    }
    stalls.disable();
    const firstCheckStart = performance.now();
    const reading = new Rollout(reader, { logger: quiet });
    await reading.isEnabled('many', 'p42-abc');
    const firstCheckMs = performance.now() - firstCheckStart;

    console.log(`# A change to a feature with ${PATTERNS} patterns\nmachine: ${machineLine()}\n`);
    console.log(`| measure | figure |\n|---|---|`);
    console.log(
      `| heap per pattern in a process holding them | ${((loaded - before) / PATTERNS / 1024).toFixed(2)} KB |`,
    );
    console.log(
      `| longest event-loop stall over ${CHANGES} user registrations and ${CHANGES} new patterns (writer and reader) | ${(stalls.max / 1e6).toFixed(1)} ms |`,
    );
    console.log(`| p99 event-loop delay over the same | ${(stalls.percentile(99) / 1e6).toFixed(1)} ms |`);
    console.log(
      `| first check after a change (builds the combined matcher, pattern.ts) | ${firstCheckMs.toFixed(1)} ms |`,
    );
    await Promise.all([reader.close(), writer.close()]);
    readerClient.disconnect();
    writerClient.disconnect();
  } finally {
    await redis.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
