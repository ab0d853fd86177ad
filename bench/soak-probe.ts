/**
 * What the soak benchmark counts to find leaks: heap and RSS, the process's
 * active handles and timers (`process.getActiveResourcesInfo()`), listeners
 * on the Redis client the app hands its backend, and the connections Redis
 * sees (`CLIENT LIST` on the soak's own redis-server).
 */
import { createHook } from 'node:async_hooks';
import type { Redis } from 'ioredis';

// process.getActiveResourcesInfo() leaves out unref'd timers, which the
// backends use: an async hook counts every live Timeout, unref'd or not.
const liveTimers = new Set<number>();
createHook({
  init(id, type) {
    if (type === 'Timeout') liveTimers.add(id);
  },
  destroy(id) {
    liveTimers.delete(id);
  },
}).enable();

/** Counts of one moment. */
export interface Census {
  label: string;
  /** Active resources by type: `TCPSocketWrap`, `Timeout`, ... */
  resources: Record<string, number>;
  /** Live timers, unref'd ones included. */
  timers: number;
  /** Listeners on the app's client, all events together. */
  clientListeners: number;
  /** Connections Redis lists, the census's own admin connection left out. */
  redisConnections: number;
}

/**
 * Takes a census. `client` is the app's own Redis client (its listeners are
 * counted), `admin` a connection used only for `CLIENT LIST`.
 *
 * @example
 * const before = await census('before', admin, client);
 */
export async function census(label: string, admin: Redis, client?: Redis): Promise<Census> {
  await new Promise((resolve) => setTimeout(resolve, 200)); // let closes land
  const resources: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) resources[type] = (resources[type] ?? 0) + 1;
  const listeners = client ? client.eventNames().reduce((sum, event) => sum + client.listenerCount(event), 0) : 0;
  const list = (await admin.client('LIST')) as string;
  const redisConnections = list.split('\n').filter((line) => line.trim() !== '').length - 1;
  return { label, resources, timers: liveTimers.size, clientListeners: listeners, redisConnections };
}

/** Heap in use after a full GC, and RSS, in MiB. */
export function memory(): { heapMiB: number; rssMiB: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapMiB: heapUsed / 2 ** 20, rssMiB: rss / 2 ** 20 };
}

/** One line per census, for a table: each resource type that ever appears, as a column. */
export function censusRows(censuses: Census[]): { columns: string[]; rows: string[][] } {
  const types = [...new Set(censuses.flatMap((c) => Object.keys(c.resources)))].sort();
  const columns = ['moment', ...types, 'timers incl. unref', 'client listeners', 'Redis connections'];
  const rows = censuses.map((c) => [
    c.label,
    ...types.map((type) => String(c.resources[type] ?? 0)),
    String(c.timers),
    String(c.clientListeners),
    String(c.redisConnections),
  ]);
  return { columns, rows };
}

/** The resource types whose count after differs from before, as `type before→after`. */
export function leaks(before: Census, after: Census): string[] {
  const types = new Set([...Object.keys(before.resources), ...Object.keys(after.resources)]);
  const out: string[] = [];
  for (const type of types) {
    const a = before.resources[type] ?? 0;
    const b = after.resources[type] ?? 0;
    if (a !== b) out.push(`${type} ${a}→${b}`);
  }
  if (before.timers !== after.timers) out.push(`timers ${before.timers}→${after.timers}`);
  if (before.clientListeners !== after.clientListeners)
    out.push(`client listeners ${before.clientListeners}→${after.clientListeners}`);
  if (before.redisConnections !== after.redisConnections)
    out.push(`Redis connections ${before.redisConnections}→${after.redisConnections}`);
  return out;
}
