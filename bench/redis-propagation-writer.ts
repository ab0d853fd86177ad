/**
 * The writer process of the propagation benchmark: on each `{ i }` message
 * from its parent, sets the percentage of `P` to `i % 100` and replies with
 * the time the call started (performance.timeOrigin + now(), ms).
 *
 * Run: node --import tsx redis-propagation-writer.ts <redis-url> <prefix> <RedisBackend|RedisHighPerfBackend>
 */
import { Rollout } from '@hanoi/core';
import { RedisBackend, RedisHighPerfBackend } from '@hanoi/redis';
import { Redis } from 'ioredis';

const [url, prefix, kind] = process.argv.slice(2) as [string, string, string];
const client = new Redis(url);
const Backend = kind === 'RedisBackend' ? RedisBackend : RedisHighPerfBackend;
const backend = new Backend(client, { prefix });
const rollout = new Rollout(backend);
const now = () => performance.timeOrigin + performance.now();

process.on('message', (message: { i?: number; exit?: boolean }) => {
  if (message.exit) {
    void backend
      .close()
      .then(() => client.quit())
      .then(() => process.exit(0));
    return;
  }
  const i = message.i!;
  const startedAt = now();
  rollout.setPercentage('P', i % 100).then(
    () => process.send!({ i, startedAt, resolvedAt: now() }),
    (err: unknown) => process.send!({ i, error: String(err) }),
  );
});
void rollout.ready().then(() => process.send!({ ready: true }));
