/**
 * The writer process of patterns-change.ts: on each `{ n, name, pattern }`
 * message, registers the user `user-<n>` (or, with `pattern`, the pattern
 * `^extra<n>$`) on `name`, and replies with the CPU time of this process and
 * its longest event-loop delay over the write (ms); on `{ exit }`, closes.
 *
 * Run: node --import tsx patterns-change-writer.ts <redis-url> <prefix>
 */
import { Rollout } from '@hanoi/core';
import { RedisBackend } from '@hanoi/redis';
import { Redis } from 'ioredis';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const [url, prefix] = process.argv.slice(2) as [string, string];
const client = new Redis(url);
const backend = new RedisBackend(client, { prefix, logger: { warn() {}, error() {} } });
const rollout = new Rollout(backend, { logger: { warn() {}, error() {} } });
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const delay = monitorEventLoopDelay({ resolution: 1 });

process.on('message', (message: { n?: number; name?: string; pattern?: boolean; exit?: boolean }) => {
  if (message.exit) {
    void backend
      .close()
      .then(() => client.quit())
      .then(() => process.exit(0));
    return;
  }
  const { n, name, pattern } = message as { n: number; name: string; pattern: boolean };
  delay.reset();
  delay.enable();
  const c0 = cpuMs();
  const write = pattern ? rollout.register(name, new RegExp(`^extra${n}$`)) : rollout.register(name, `user-${n}`);
  write.then(
    () => {
      const cpu = cpuMs() - c0;
      delay.disable();
      process.send!({ n, cpu, delay: delay.max / 1e6 });
    },
    (err: unknown) => process.send!({ n, error: String(err) }),
  );
});
void rollout.ready().then(() => process.send!({ ready: true, patterns: backend.peek('many')?.patterns.length }));
