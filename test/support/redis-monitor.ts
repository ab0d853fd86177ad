import type { Redis } from 'ioredis';

/**
 * Keeps a MONITOR connection's start-up race from failing a test: a line the
 * server sends before ioredis has taken MONITOR's OK finds no command waiting,
 * and ioredis emits it as a "Command queue state error" (with no listener, an
 * uncaught error). That line is from before the watch was live, which callers
 * wait out anyway. Any other error is kept: the returned check throws it.
 *
 * @example
 * const monitor = await client.monitor();
 * const check = monitorErrors(monitor);
 * // ... watch ...
 * monitor.disconnect();
 * check();
 */
export function monitorErrors(monitor: Redis): () => void {
  const errors: Error[] = [];
  monitor.on('error', (err: Error) => {
    if (!err.message.startsWith('Command queue state error')) errors.push(err);
  });
  return () => {
    if (errors.length > 0) throw errors[0]!;
  };
}
