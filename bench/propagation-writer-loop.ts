/**
 * The loop of a propagation benchmark's writer process: on each `{ i }`
 * message from its parent, sets the percentage of `P` to `i % 100` and
 * replies with the time the call started and resolved
 * (performance.timeOrigin + now(), ms); on `{ exit }`, closes and exits.
 *
 * @example
 * serveWrites(rollout, async () => { await rollout.close(); await client.quit(); });
 */
import type { Rollout } from '@hanoi/core';

export function serveWrites(rollout: Rollout, close: () => Promise<unknown>): void {
  const now = () => performance.timeOrigin + performance.now();
  process.on('message', (message: { i?: number; exit?: boolean }) => {
    if (message.exit) {
      void close().then(() => process.exit(0));
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
}
