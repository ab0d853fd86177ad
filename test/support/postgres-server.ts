/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: `initdb` into a
 * temporary directory, `postgres` on a free port bound to 127.0.0.1 (its
 * unix socket in that directory too, never 5432), one database created for
 * the tests, everything stopped and removed by `stop()`. initdb refuses to
 * run as root: as root, the cluster runs as the `postgres` system user
 * (Debian's package makes it), or as `hanoi-test`, created when missing.
 *
 * Set `DATABASE_URL` to run against an existing database instead: nothing is
 * started, `stop()` closes nothing, and `kill()`/`restart()`/`pause()` throw.
 * Tests use `uniqueSchema()`, so they can share that database.
 *
 * @example
 * const pg = await startPostgres();
 * const pool = new Pool({ connectionString: pg.url });
 * ...
 * await pool.end();
 * await pg.stop();
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './redis-server';

/** A running PostgreSQL (or the outside one named by `DATABASE_URL`). */
export interface PostgresServer {
  /** `postgres://<user>@127.0.0.1:<port>/hanoi_test`. */
  readonly url: string;
  readonly port: number;
  /** True when `DATABASE_URL` named a server this helper did not start. */
  readonly external: boolean;
  /** Stops the server (fast shutdown) and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
  /** Kills the postmaster at once (SIGKILL on it and its backends), as a crash would. */
  kill(): Promise<void>;
  /** Starts the server again on the same port, with its data. */
  restart(): Promise<void>;
  /** Pauses the postmaster and every backend (SIGSTOP): connections stay open, nothing answers. */
  pause(): void;
  /** Resumes what `pause()` stopped. */
  resume(): void;
}

const BIN_DIRS = [
  '/usr/local/bin',
  '/usr/lib/postgresql/17/bin',
  '/usr/lib/postgresql/16/bin',
  '/usr/lib/postgresql/15/bin',
];

function binary(name: string): string {
  for (const dir of BIN_DIRS) if (existsSync(join(dir, name))) return join(dir, name);
  return name; // on PATH, or spawn reports it missing
}

/** The system user the cluster runs as: ourselves, unless we are root. */
function clusterUser(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ['postgres', 'hanoi-test']) {
    try {
      execFileSync('id', ['-u', user], { stdio: 'ignore' });
      return user;
    } catch {
      // not there: try the next
    }
  }
  execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'hanoi-test']);
  return 'hanoi-test';
}

function idsOf(user: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', user]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', user]).toString().trim());
  return { uid, gid };
}

/** Spawn options that run a program as `user`, or as ourselves. */
function asUser(user: string | undefined): { uid?: number; gid?: number; cwd: string } {
  return user ? { ...idsOf(user), cwd: '/' } : { cwd: '/' };
}

/** The database user a cluster this helper makes has: the system user it runs as. */
function databaseUser(user: string | undefined): string {
  return user ?? process.env.USER ?? 'postgres';
}

/**
 * The URL a cluster `startPostgres({ port })` makes will have, known before
 * it starts: for a client that waits for a server not yet there.
 *
 * @example
 * const pool = new Pool({ connectionString: urlOnPort(port) }); // nothing listens yet
 * const pg = await startPostgres({ port });
 */
export function urlOnPort(port: number): string {
  return `postgres://${databaseUser(clusterUser())}@127.0.0.1:${port}/hanoi_test`;
}

/** Options of `startPostgres`. */
export interface StartPostgresOptions {
  /** The port to listen on; default a free one. For a server that comes up where a client already waits. */
  port?: number;
}

/**
 * Makes a cluster, starts it on a free port, creates the `hanoi_test`
 * database; with `DATABASE_URL` set, resolves to that database instead.
 *
 * @example
 * const pg = await startPostgres();
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const external = process.env.DATABASE_URL;
  if (external) return externalServer(external);
  const user = clusterUser();
  const dir = mkdtempSync(join(tmpdir(), 'hanoi-pg-'));
  const data = join(dir, 'data');
  if (user) {
    const { uid, gid } = idsOf(user);
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const dbUser = databaseUser(user);
  try {
    const initArgs = ['-D', data, '-U', dbUser, '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'];
    execFileSync(binary('initdb'), initArgs, { stdio: 'pipe', ...asUser(user) });
    writeFileSync(join(data, 'postgresql.auto.conf'), 'fsync = off\nmax_connections = 100\n');
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${String((err as { stderr?: Buffer }).stderr ?? err)}`, { cause: err });
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < (options.port ? 1 : 5); attempt++) {
    const port = options.port ?? (await freePort());
    if (port === 5432) continue;
    try {
      let child = await launch(user, data, dir, port);
      await createDatabase(port, dbUser);
      const children = () => childPids(child.pid!);
      const server: PostgresServer = {
        url: urlOnPort(port),
        port,
        external: false,
        async stop() {
          await terminate(child, 'SIGINT');
          rmSync(dir, { recursive: true, force: true });
        },
        async kill() {
          const backends = children();
          await terminate(child, 'SIGKILL');
          for (const pid of backends) signal(pid, 'SIGKILL');
        },
        async restart() {
          const backends = children();
          await terminate(child, 'SIGKILL');
          for (const pid of backends) signal(pid, 'SIGKILL');
          await waitGone(backends);
          rmSync(join(data, 'postmaster.pid'), { force: true });
          child = await launch(user, data, dir, port);
        },
        pause() {
          signal(child.pid!, 'SIGSTOP');
          for (const pid of children()) signal(pid, 'SIGSTOP');
        },
        resume() {
          for (const pid of children()) signal(pid, 'SIGCONT');
          signal(child.pid!, 'SIGCONT');
        },
      };
      return server;
    } catch (err) {
      lastError = err; // most likely the port was taken in between: try another
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`Could not start PostgreSQL: ${String(lastError)}`);
}

/**
 * A schema name no other test uses, for tests that may share one database.
 *
 * @example
 * new PostgresStore(pool, { schema: uniqueSchema() });
 */
export function uniqueSchema(label = 'hanoi_test'): string {
  return `${label}_${randomBytes(5).toString('hex')}`;
}

function externalServer(url: string): PostgresServer {
  const refuse = () => {
    throw new Error('DATABASE_URL names an outside PostgreSQL: this test needs to stop it; unset DATABASE_URL.');
  };
  return {
    url,
    port: Number(new URL(url).port || 5432),
    external: true,
    stop: async () => {},
    kill: async () => refuse(),
    restart: async () => refuse(),
    pause: refuse,
    resume: refuse,
  };
}

const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) {
    for (const pid of childPids(child.pid!)) signal(pid, 'SIGKILL');
    child.kill('SIGKILL');
  }
});

function launch(user: string | undefined, data: string, dir: string, port: number): Promise<ChildProcess> {
  // postgres itself, not pg_ctl: the child is the postmaster, so stop/kill/pause reach it directly.
  const args = [
    '-D',
    data,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${dir}`,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(binary('postgres'), args, { stdio: ['ignore', 'pipe', 'pipe'], ...asUser(user) });
    let output = '';
    const timer = setTimeout(() => fail(new Error(`postgres on ${port} did not start in 20 s:\n${output}`)), 20_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.on('error', fail);
    child.on('exit', (code) => {
      liveChildren.delete(child);
      fail(new Error(`postgres on ${port} exited with ${code}:\n${output}`));
    });
    let ready = false;
    const onData = (chunk: Buffer) => {
      if (ready) return; // the log goes on; only the start is read
      output += chunk.toString();
      if (/ready to accept connections/.test(output)) {
        ready = true;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.on('exit', () => liveChildren.delete(child));
        liveChildren.add(child);
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
  });
}

async function createDatabase(port: number, dbUser: string): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: dbUser, database: 'postgres' });
  await client.connect();
  try {
    await client.query('CREATE DATABASE hanoi_test');
  } finally {
    await client.end();
  }
}

/** The pids of a process's children (the postmaster's backends), from /proc. */
function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // stat is "pid (comm) state ppid ...": comm may hold spaces, so read after its closing parenthesis.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

async function waitGone(pids: number[]): Promise<void> {
  const until = Date.now() + 5000;
  while (Date.now() < until && pids.some((pid) => existsSync(`/proc/${pid}`))) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function terminate(child: ChildProcess, name: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    for (const pid of childPids(child.pid!)) signal(pid, 'SIGCONT'); // a paused server cannot shut down
    child.kill('SIGCONT');
    child.kill(name);
  });
}
