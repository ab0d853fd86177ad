/**
 * Serves an example app on 127.0.0.1 the way a newcomer expects: PORT (3000
 * by default) is checked before anything starts, a taken port is a clear
 * error and exit code 1, the banner says how to pick another port and how to
 * stop, and Ctrl-C (or SIGTERM) closes the server and exits 0 without noise.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** Exit codes: 1 for a port that cannot be listened on, 2 for a PORT that is not a port. */
const EXIT_LISTEN = 1;
const EXIT_USAGE = 2;

/**
 * Reads PORT: an integer from 1 to 65535, or 3000 when unset or empty.
 *
 * @example
 * parsePort('8080'); // 8080
 * parsePort('http'); // throws a RangeError that says what a port is
 */
export function parsePort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 3000;
  const port = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`PORT must be a whole number from 1 to 65535, not ${JSON.stringify(value)}.`);
  }
  return port;
}

/** How to run an example, as its banner and errors tell it. */
export interface ServeOptions {
  /** Shown in the banner, e.g. "Hanoi Express example". */
  title: string;
  /** The command that starts it, e.g. "npm run example": the banner shows it with PORT=... */
  command: string;
  /** What to try, given the base URL: one line per curl. */
  tryLines: (url: string) => string[];
}

/**
 * Listens on 127.0.0.1:PORT and serves `handler` until Ctrl-C.
 *
 * @example
 * await serve(app, { title: 'Hanoi Express example', command: 'npm run example', tryLines: (url) => [`curl ${url}/`] });
 */
export async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => unknown,
  options: ServeOptions,
): Promise<void> {
  let port: number;
  try {
    port = parsePort(process.env.PORT);
  } catch (err) {
    return fail(EXIT_USAGE, `${(err as Error).message} For example: PORT=3001 ${options.command}`);
  }
  // Express's app, or Koa's app.callback(): its promise settles by itself (Koa handles its errors).
  const server = createServer((req, res) => void handler(req, res));
  const listening = await new Promise<boolean>((resolve) => {
    server.once('listening', () => resolve(true));
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'EADDRINUSE'
          ? `Port ${port} on 127.0.0.1 is already in use (another server, or this example still running).`
          : err.code === 'EACCES'
            ? `Port ${port} on 127.0.0.1 needs privileges this process does not have.`
            : `Cannot listen on 127.0.0.1:${port}: ${err.message}.`;
      fail(EXIT_LISTEN, `${why} Choose another port: PORT=${port === 3001 ? 3002 : 3001} ${options.command}`);
      resolve(false);
    });
    server.listen(port, '127.0.0.1');
  });
  if (!listening) return;

  // A second Ctrl-C while closing changes nothing: the process still exits 0.
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const url = `http://127.0.0.1:${port}`;
  console.log(
    [
      `${options.title} on ${url}. Try:`,
      ...options.tryLines(url).map((line) => `  ${line}`),
      `Another port: PORT=3001 ${options.command}. Stop: Ctrl-C.`,
    ].join('\n'),
  );
}

/** What to try on the Express and Koa examples: the same app, the same routes. */
export function tryTheRoutes(url: string): string[] {
  return [
    `curl ${url}/                                         # anonymous: only features at 100%`,
    `curl -H 'x-user-id: alice' ${url}/                   # alice's features`,
    `curl -H 'x-user-id: alice' ${url}/search             # 30% rollout: new or classic`,
    `curl -H 'x-user-id: alice' ${url}/dashboard          # listed user: 200`,
    `curl -H 'x-user-id: carol' ${url}/dashboard          # not listed: 404, as for ${url}/nowhere`,
    `curl -H 'x-user-id: staff-1' ${url}/staff            # pattern /^staff-/: 200; others 403`,
    `curl -H 'x-user-id: 443301' ${url}/checkout          # experiment: red, green or blue, always the same`,
    `curl -H 'x-user-id: alice' ${url}/recommendations    # a service reading the current user`,
  ];
}

function fail(code: number, message: string): void {
  console.error(message);
  process.exitCode = code;
}
