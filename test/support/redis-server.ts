/**
 * Real redis-server processes for tests and benchmarks: each on a free port
 * on 127.0.0.1 (never 6379), in its own temporary directory, stopped by the
 * test that started it.
 *
 * Set `REDIS_URL` to run against an existing Redis instead: `startRedis()`
 * then starts nothing, `stop()` closes nothing, and `kill()`/`restart()`
 * throw (an outside server cannot be killed). Tests use `uniquePrefix()` for
 * their keys and never flush, so they can share that server.
 *
 * @example
 * const redis = await startRedis();
 * const client = new Redis(redis.url);
 * ...
 * await redis.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running redis-server (or the outside one named by `REDIS_URL`). */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** True when `REDIS_URL` named a server this helper did not start. */
  readonly external: boolean;
  /** Shuts the server down (SIGTERM) and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
  /** Kills the server at once (SIGKILL), as a crash would; `restart()` brings it back. */
  kill(): Promise<void>;
  /** Starts the server again on the same port, with the data it had saved (see `persist`). */
  restart(): Promise<void>;
  /** Pauses the process (SIGSTOP): connections stay open but nothing answers. */
  pause(): void;
  /** Resumes a paused process (SIGCONT). */
  resume(): void;
}

/** Options of `startRedis`. */
export interface StartRedisOptions {
  /**
   * Keep the data across `kill()` and `restart()` (an append-only file
   * synced on every write), as a production Redis with AOF does. Default true.
   */
  persist?: boolean;
  /** More `redis-server` arguments, e.g. `['--cluster-enabled', 'yes']`. */
  args?: string[];
  /**
   * The port to listen on; default a free one. For a Redis that comes up
   * where a client already waits (get one with `freePort()`).
   */
  port?: number;
}

/**
 * A free TCP port on 127.0.0.1, as the kernel hands one out. Another process
 * may take it before it is used: callers retry on a bind failure.
 *
 * @example
 * const port = await freePort();
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        if (port && port !== 6379) resolve(port);
        else freePort().then(resolve, reject);
      });
    });
  });
}

/**
 * A key prefix no other test uses, for tests that may share one Redis.
 *
 * @example
 * new RedisBackend(client, { prefix: uniquePrefix('contract') });
 */
export function uniquePrefix(label = 'test'): string {
  return `${label}-${randomBytes(6).toString('hex')}`;
}

/**
 * Starts a redis-server on a free port and resolves once it accepts
 * connections; with `REDIS_URL` set, resolves to that server instead.
 *
 * @example
 * const redis = await startRedis({ persist: false });
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const external = process.env.REDIS_URL;
  if (external) return externalServer(external);
  const dir = mkdtempSync(join(tmpdir(), 'hanoi-redis-'));
  const persist = options.persist ?? true;
  const extra = options.args ?? [];
  let lastError: unknown;
  for (let attempt = 0; attempt < (options.port ? 1 : 5); attempt++) {
    const port = options.port ?? (await freePort());
    try {
      let child = await launch(port, dir, persist, extra);
      const server: RedisServer = {
        url: `redis://127.0.0.1:${port}`,
        host: '127.0.0.1',
        port,
        external: false,
        async stop() {
          await terminate(child, 'SIGTERM');
          rmSync(dir, { recursive: true, force: true });
        },
        kill: () => terminate(child, 'SIGKILL'),
        async restart() {
          await terminate(child, 'SIGKILL');
          child = await launch(port, dir, persist, extra);
        },
        pause: () => void child.kill('SIGSTOP'),
        resume: () => void child.kill('SIGCONT'),
      };
      return server;
    } catch (err) {
      lastError = err; // most likely the port was taken in between: try another
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`Could not start redis-server: ${String(lastError)}`);
}

function externalServer(url: string): RedisServer {
  const parsed = new URL(url);
  const refuse = async () => {
    throw new Error('REDIS_URL names an outside Redis: this test needs to kill or restart it; unset REDIS_URL.');
  };
  return {
    url,
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    external: true,
    stop: async () => {},
    kill: refuse,
    restart: refuse,
    pause: () => void refuse(),
    resume: () => void refuse(),
  };
}

const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

function launch(port: number, dir: string, persist: boolean, extra: string[]): Promise<ChildProcess> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    persist ? 'yes' : 'no',
    '--appendfsync',
    'always',
    '--loglevel',
    'notice',
    '--daemonize',
    'no',
    ...extra,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(
      () => fail(new Error(`redis-server on ${port} did not start in 10 s:\n${output}`)),
      10_000,
    );
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.on('error', fail);
    child.on('exit', (code) => {
      liveChildren.delete(child);
      fail(new Error(`redis-server on ${port} exited with ${code}:\n${output}`));
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/Ready to accept connections/.test(output)) {
        clearTimeout(timer);
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        child.removeAllListeners('exit');
        child.on('exit', () => liveChildren.delete(child));
        liveChildren.add(child);
        resolve(child);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  });
}

function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    if (signal === 'SIGTERM') child.kill('SIGCONT'); // a paused server cannot shut down
    child.kill(signal);
  });
}
