import type { Redis } from 'ioredis';

/**
 * Keeps a MONITOR connection's start-up race from failing a test: a line the
 * server sends before ioredis has taken MONITOR's OK finds no command waiting,
 * and ioredis emits it as a "Command queue state error" (with no listener, an
 * uncaught error). That line is from before the watch was live, which callers
 * wait out anyway. Any other error is kept: the returned check throws it.
 *
 * @example
 * const monitor = client.duplicate({ monitor: true, lazyConnect: true });
 * const check = monitorErrors(monitor);
 * await monitor.connect();
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

/** A command the server ran, as MONITOR shows it: `source` is the client's address, or 'lua' inside a script. */
export interface SeenCommand {
  source: string;
  args: string[];
}

/**
 * Records every command the server runs from now on (MONITOR on a side
 * connection made with `connect`), once the watch is live: it resolves when
 * the watch has shown a fence sent from another connection made with
 * `connect`. `stop()` closes the connections it made and throws any error
 * they had.
 *
 * @example
 * const watch = await watchCommands(() => new Redis(url));
 * // ... run commands ...
 * watch.stop();
 * watch.seen.filter((s) => s.source !== 'lua'); // those clients sent
 */
export async function watchCommands(connect: () => Redis): Promise<{ seen: SeenCommand[]; stop(): void }> {
  const base = connect();
  const seen: SeenCommand[] = [];
  const { monitor, check } = await openMonitor(base, (args, source) => seen.push({ source, args }));
  const marker = connect();
  const close = () => {
    monitor.disconnect();
    marker.disconnect();
    base.disconnect();
  };
  try {
    await fence({ seen }, marker);
  } catch (err) {
    close();
    throw err;
  }
  return {
    seen,
    stop: () => {
      close();
      check();
    },
  };
}

/**
 * Sends a fence (an ECHO of a tag of its own) on `client` and waits until the watch has seen it. MONITOR reports
 * commands in the order the server ran them, on its own connection: once it has reported the fence, it has
 * reported every command `client` sent before it. That the fence's reply has come back says only that the server
 * ran them, not that the watch has heard of them.
 *
 * @example
 * await rollout.forUser('alice');
 * await fence(watch, client);
 * watch.seen.filter((s) => s.source === localAddress(client)); // everything forUser sent
 */
export async function fence(watch: { seen: SeenCommand[] }, client: Redis, ms = 5000): Promise<void> {
  const tag = `fence-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  await client.echo(tag);
  const until = Date.now() + ms;
  while (!watch.seen.some((s) => s.args.includes(tag))) {
    if (Date.now() > until) throw new Error(`the watch did not show the fence within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * What `base.monitor()` does, with `onCommand` and monitorErrors on before MONITOR starts; resolves once the
 * connection is monitoring. monitor() listens for its first error only until then: a line read together with
 * MONITOR's OK, before ioredis has turned the connection to monitoring, finds no command waiting, and monitor()
 * rejects with it (seen under load: a new connection's INFO). Here that line is dropped, as lines from before the
 * watch was live are.
 *
 * @example
 * const { monitor, check } = await openMonitor(client, (args) => commands.push(args));
 * // ... run commands ...
 * monitor.disconnect();
 * check();
 */
export async function openMonitor(
  base: Redis,
  onCommand: (args: string[], source: string) => void,
): Promise<{ monitor: Redis; check: () => void }> {
  const monitor = base.duplicate({ monitor: true, lazyConnect: true });
  monitor.on('monitor', (_time: string, args: string[], source: string) => onCommand(args, source));
  const check = monitorErrors(monitor);
  const monitoring = new Promise<void>((resolve) => monitor.once('monitoring', () => resolve()));
  await monitor.connect();
  await monitoring;
  return { monitor, check };
}
