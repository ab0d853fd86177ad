/**
 * What one register costs ANOTHER process on PostgresBackend holding users
 * (no `lookupUsers`): a feature with 1,000,000 listed users against one with
 * 10, and one with 10 users and 5,000 patterns. A writer (this process)
 * registers one new user at a time; a reader (a child process, as another
 * process is) applies the change it hears of. Measured in the reader: its
 * CPU (process.cpuUsage) from before the write to holding the new user (told
 * by `watch`, not polled), per change. The changes alternate, in the same
 * reader, the reload through `readSince` (what changed) with the reload
 * without it (the feature read whole, what every change cost before), so
 * both are measured side by side in one sitting.
 *
 * Run: pnpm build, then pnpm --filter @hanoi/bench postgres:other-process
 * (BENCH_USERS, BENCH_ROUNDS)
 */
import { Rollout } from '@hanoi/core';
import { migrate, PostgresBackend } from '@hanoi/postgres';
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Pool } from 'pg';
import { startPostgres, uniqueSchema } from '../test/support/postgres-server';
import { machineLine, markdownTable, median } from './lib';

const BIG = Number(process.env.BENCH_USERS ?? 1_000_000);
const SMALL = 10;
const PATTERNS = 5_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const quiet = { warn: () => {}, error: () => {} };
const TIMEOUT_MS = 120_000;

type Mode = 'since' | 'whole';
type Ask = { name: string; id: string; mode: Mode } | { ready: { big: number; small: number; patterns: number } };
type Answer = { armed: true } | { cpuMs: number; wallMs: number } | { ready: true };

/** The reader: holds every feature's users; for each change it is told of, times its own CPU until it holds the id. */
async function reader(url: string, schema: string): Promise<void> {
  const pool = new Pool({ connectionString: url, max: 4 });
  pool.on('error', () => {});
  const backend = new PostgresBackend(pool, {
    schema,
    logger: quiet,
    writeTimeoutMs: 60_000,
    snapshotTimeoutMs: 120_000,
    readyTimeoutMs: 120_000,
    resyncIntervalMs: 600_000,
  });
  const store = backend.store as unknown as { readSince?: unknown };
  const send = (answer: Answer) => process.send!(answer);
  const handle = async (ask: Ask) => {
    if ('ready' in ask) {
      await backend.ready();
      const end = Date.now() + TIMEOUT_MS;
      while (
        backend.peek('big')?.users?.size !== ask.ready.big ||
        backend.peek('small')?.users?.size !== ask.ready.small ||
        backend.peek('patterns')?.patterns.length !== ask.ready.patterns
      ) {
        if (Date.now() > end) throw new Error('the reader did not load in time');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      send({ ready: true });
      return;
    }
    // 'whole': the store as it was without readSince (the cache then reads a changed feature whole).
    if (ask.mode === 'whole') store.readSince = undefined;
    else delete store.readSince;
    const cpu = process.cpuUsage();
    const start = performance.now();
    send({ armed: true });
    // Told by the backend when it applied a change, rather than polling, which would cost CPU while it waits.
    const holds = () => backend.peek(ask.name)?.users?.has(ask.id) === true;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        stop();
        reject(new Error('the reader did not catch up in time'));
      }, TIMEOUT_MS);
      const stop = backend.watch({
        changed: () => {
          if (!holds()) return;
          clearTimeout(timer);
          stop();
          resolve();
        },
      });
    });
    const used = process.cpuUsage(cpu);
    send({ cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - start });
  };
  process.on('message', (ask: Ask) => {
    handle(ask).catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  });
}

/** The reader's next message. */
function next(child: ChildProcess): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the reader did not answer')), TIMEOUT_MS);
    child.once('message', (answer: Answer) => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

function ask(child: ChildProcess, message: Ask): Promise<Answer> {
  const answer = next(child);
  child.send(message);
  return answer;
}

async function main(): Promise<void> {
  delete process.env.DATABASE_URL;
  const server = await startPostgres();
  const pool = new Pool({ connectionString: server.url, max: 4 });
  pool.on('error', () => {});
  const schema = uniqueSchema();
  await migrate(pool, { schema });
  const writer = new PostgresBackend(pool, { schema, logger: quiet, writeTimeoutMs: 60_000 });
  const rollout = new Rollout(writer, { logger: quiet });
  let child: ChildProcess | undefined;
  console.log(
    `# another process's CPU per register on PostgreSQL\nmachine: ${machineLine()}\nload: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  try {
    await rollout.ready();
    await rollout.addFunc('small');
    await rollout.register(
      'small',
      Array.from({ length: SMALL }, (_, i) => `s-${i}`),
    );
    await rollout.addFunc('big');
    // The big list is filled straight into the table: 1,000,000 registrations through writes would take minutes.
    const t = writer.store.config.tables;
    await pool.query(
      `INSERT INTO ${t.users} (feature, user_id) SELECT 'big', 'b-' || g FROM generate_series(1, $1) g`,
      [BIG - 1],
    );
    await pool.query(`UPDATE ${t.features} SET user_count = user_count + $1 WHERE name = 'big'`, [BIG - 1]);
    await rollout.register('big', 'b-0'); // a write, so the feature's version covers the filled list
    // And one with 10 users and 5,000 patterns (filled the same way): a whole read moves every pattern.
    await rollout.addFunc('patterns');
    await rollout.register(
      'patterns',
      Array.from({ length: SMALL }, (_, i) => `s-${i}`),
    );
    await pool.query(
      `INSERT INTO ${t.patterns} (feature, flags, source) SELECT 'patterns', '', '^p' || g || '-' FROM generate_series(1, $1) g`,
      [PATTERNS],
    );
    await rollout.register('patterns', 's-0');
    child = fork(fileURLToPath(import.meta.url), ['reader', server.url, schema], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
    });
    await ask(child, { ready: { big: BIG, small: SMALL, patterns: PATTERNS } });

    const cpu: Record<string, number[]> = {};
    const wall: Record<string, number[]> = {};
    for (let round = 0; round < ROUNDS; round++) {
      const modes: Mode[] = round % 2 ? ['whole', 'since'] : ['since', 'whole'];
      for (const mode of modes) {
        for (const name of round % 4 < 2 ? ['small', 'big', 'patterns'] : ['patterns', 'big', 'small']) {
          const id = `new-${name}-${mode}-${round}`;
          await ask(child, { name, id, mode });
          const measured = next(child);
          await rollout.register(name, id);
          const { cpuMs, wallMs } = (await measured) as { cpuMs: number; wallMs: number };
          (cpu[`${mode} ${name}`] ??= []).push(cpuMs);
          (wall[`${mode} ${name}`] ??= []).push(wallMs);
        }
      }
    }
    const ms = (xs: number[] | undefined) => median(xs ?? []).toFixed(3);
    console.log(
      `rounds: ${ROUNDS}; load at the end: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}\n`,
    );
    console.log(
      markdownTable(
        [
          { title: 'reader, per register (median)' },
          { title: `${SMALL} users ms`, align: 'right' },
          { title: `${BIG.toLocaleString('en')} users ms`, align: 'right' },
          { title: 'ratio', align: 'right' },
          { title: `${SMALL} users, ${PATTERNS.toLocaleString('en')} patterns ms`, align: 'right' },
        ],
        (['since', 'whole'] as const).flatMap((mode) => {
          const label = mode === 'since' ? 'readSince (what changed)' : 'read whole (before)';
          return [
            [
              `CPU, ${label}`,
              ms(cpu[`${mode} small`]),
              ms(cpu[`${mode} big`]),
              (median(cpu[`${mode} big`]!) / median(cpu[`${mode} small`]!)).toFixed(2),
              ms(cpu[`${mode} patterns`]),
            ],
            [
              `wall, write sent → held, ${label}`,
              ms(wall[`${mode} small`]),
              ms(wall[`${mode} big`]),
              (median(wall[`${mode} big`]!) / median(wall[`${mode} small`]!)).toFixed(2),
              ms(wall[`${mode} patterns`]),
            ],
          ];
        }),
      ),
    );
  } finally {
    child?.kill();
    await writer.close();
    await pool.end();
    await server.stop();
  }
}

if (process.argv[2] === 'reader') {
  void reader(process.argv[3]!, process.argv[4]!);
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
