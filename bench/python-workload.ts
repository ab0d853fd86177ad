/**
 * The Python hanoi's benchmark.py workload, faithfully: one awaited call per
 * Python call, `addFunc` inside the timing. Add `FOO`; register `USER-0` ...
 * `USER-9999` with 10,000 single `register` calls; then 20,000 checks
 * alternating a registered user and `USER-a`. On MemoryBackend,
 * RedisBackend and RedisHighPerfBackend, each on a fresh prefix of the
 * bench's own redis-server; medians of BENCH_ROUNDS rounds (default 3).
 *
 * The Python side runs benchmark.py from the Python hanoi checkout on the
 * same machine against a redis-server of the same version (see README.md,
 * "benchmark.py"); its figures are only compared when measured there.
 *
 * Each round also takes the CPU time of the registers and of the checks,
 * and of a same-run baseline: 10,000 bare `await` + `Set.add`, then 20,000
 * bare `await` + `Set.has`, so that the cost per call travels as a ratio.
 *
 * RedisHighPerfBackend runs twice: as it comes, every check one lookup;
 * and with `lookupAnswers: 50_000`, the checks answered from what this
 * process's own registers and earlier lookups told it.
 *
 * Each round also times the floor of its backend, the same 30,000 awaited
 * calls with nothing of Hanoi around them: a bare `await` + `Set.add` /
 * `Set.has` per call (MemoryBackend); a bare ioredis `SADD` per register and
 * `Set.has` per check (RedisBackend, whose checks are answered in memory);
 * a bare `SADD` per register and `SISMEMBER` per check (HighPerf as it
 * comes, as the Python hanoi's HighPerf asks Redis on every check too).
 * A goal under its floor cannot be met by any code around those calls.
 *
 * Run: pnpm --filter @hanoi/bench python-workload
 * (BENCH_KINDS=MemoryBackend runs only the backends named, comma-separated.)
 */
import { Redis } from 'ioredis';
import { machineLine, markdownTable, median } from './lib';
import { KINDS, secondsSince, startBenchRedis, type Kind } from './redis-setup';

const USERS = 10_000;
const CHECKS = 20_000;
const GOALS: Record<Kind, { python: number; speedup: number }> = {
  MemoryBackend: { python: 0.78, speedup: 50 },
  RedisBackend: { python: 12.8, speedup: 10 },
  RedisHighPerfBackend: { python: 5.1, speedup: 3 },
};
// The Python hanoi's medians measured on this machine in this sitting (memory,redis,highperf seconds),
// e.g. BENCH_PYTHON_S=2.99,59.5,12.4; without it the goals assume 0.78 / 12.8 / 5.1 s.
const measured = process.env.BENCH_PYTHON_S?.split(',').map(Number);
if (measured?.length === 3 && measured.every((s) => s > 0)) {
  KINDS.forEach((kind, i) => (GOALS[kind].python = measured[i]!));
}

/** CPU milliseconds of this process so far (user + system). */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** How a bare loop asks: `set` a local `Set`, `redis` a bare ioredis command per call. */
type Floor = { register: 'set' | 'redis'; check: 'set' | 'redis' };
/** The floor of each case: the workload's 30,000 awaited calls, each a bare `Set` call or ioredis command. */
const FLOORS: Record<string, Floor> = {
  MemoryBackend: { register: 'set', check: 'set' },
  RedisBackend: { register: 'redis', check: 'set' },
  RedisHighPerfBackend: { register: 'redis', check: 'redis' },
  // With lookupAnswers the checks are answered in the process, as RedisBackend's are.
  'RedisHighPerfBackend, lookupAnswers': { register: 'redis', check: 'set' },
};
/** The baseline: what one awaited call costs at the least, a bare `await` + `Set.add` / `Set.has`. */
const BASELINE = FLOORS.MemoryBackend!;

/**
 * The workload's calls bare: 10,000 registers, then 20,000 checks
 * alternating a registered user and `USER-a`, each one awaited `Set` call or
 * ioredis command (a register sent to Redis is also kept in the `Set`, as
 * RedisBackend keeps its users). Wall seconds of the whole, and CPU µs per
 * register and per check.
 */
async function bareLoop(
  floor: Floor,
  client: Redis,
  key: string,
): Promise<{ seconds: number; register: number; check: number }> {
  const set = new Set<string>();
  const start = performance.now();
  let cpuStart = cpuMs();
  for (let i = 0; i < USERS; i++) {
    const user = `USER-${i}`;
    if (floor.register === 'redis') await client.sadd(key, user);
    else await Promise.resolve();
    set.add(user);
  }
  const register = ((cpuMs() - cpuStart) * 1000) / USERS;
  cpuStart = cpuMs();
  let on = 0;
  for (let i = 0; i < CHECKS; i++) {
    const user = i % 2 === 0 ? `USER-${(i / 2) % USERS}` : 'USER-a';
    let listed: boolean;
    if (floor.check === 'redis') listed = (await client.sismember(key, user)) === 1;
    else {
      await Promise.resolve();
      listed = set.has(user);
    }
    if (listed) on++;
  }
  const check = ((cpuMs() - cpuStart) * 1000) / CHECKS;
  const seconds = secondsSince(start);
  if (on !== CHECKS / 2) throw new Error(`bare loop: ${on} checks on, expected ${CHECKS / 2}`);
  if (floor.register === 'redis') await client.del(key);
  return { seconds, register, check };
}

async function main(): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const only = process.env.BENCH_KINDS?.split(',');
  const kinds = only ? KINDS.filter((kind) => only.includes(kind)) : KINDS;
  const cases: { label: string; kind: Kind; options?: { lookupAnswers: number } }[] = kinds.map((kind) => ({
    label: kind,
    kind,
  }));
  if (kinds.includes('RedisHighPerfBackend')) {
    cases.push({
      label: 'RedisHighPerfBackend, lookupAnswers',
      kind: 'RedisHighPerfBackend',
      options: { lookupAnswers: 50_000 },
    });
  }
  const redis = await startBenchRedis();
  const bare = new Redis(redis.server.url);
  console.log(`# benchmark.py, faithfully\nmachine: ${machineLine()}\nrounds: ${rounds}\n`);
  const rows: string[][] = [];
  const cpuRows: string[][] = [];
  try {
    for (const { label, kind, options } of cases) {
      const totals: number[] = [];
      const floors: number[] = [];
      const registers: number[] = [];
      const cpu = { register: [] as number[], check: [] as number[], add: [] as number[], has: [] as number[] };
      for (let round = 0; round < rounds; round++) {
        const { rollout, close } = await redis.rollout(kind, options);
        try {
          const base = await bareLoop(BASELINE, bare, `floor:${round}`);
          cpu.add.push(base.register);
          cpu.has.push(base.check);
          const start = performance.now();
          let cpuStart = cpuMs();
          await rollout.addFunc('FOO');
          for (let i = 0; i < USERS; i++) await rollout.register('FOO', `USER-${i}`);
          registers.push(secondsSince(start));
          cpu.register.push(((cpuMs() - cpuStart) * 1000) / USERS);
          cpuStart = cpuMs();
          let on = 0;
          for (let i = 0; i < CHECKS; i++) {
            if (await rollout.isEnabled('FOO', i % 2 === 0 ? `USER-${(i / 2) % USERS}` : 'USER-a')) on++;
          }
          totals.push(secondsSince(start));
          cpu.check.push(((cpuMs() - cpuStart) * 1000) / CHECKS);
          if (on !== CHECKS / 2) throw new Error(`${kind}: ${on} checks on, expected ${CHECKS / 2}`);
        } finally {
          await close();
        }
        floors.push((await bareLoop(FLOORS[label]!, bare, `floor:${round}`)).seconds);
      }
      const total = median(totals);
      const goal = GOALS[kind];
      rows.push([
        label,
        median(registers).toFixed(3),
        (total - median(registers)).toFixed(3),
        total.toFixed(3),
        goal.python.toFixed(2),
        (goal.python / goal.speedup).toFixed(3),
        median(floors).toFixed(3),
        total <= goal.python / goal.speedup
          ? 'met'
          : median(floors) > goal.python / goal.speedup
            ? 'not met (goal under the floor)'
            : 'not met',
      ]);
      const [register, check, add, has] = [cpu.register, cpu.check, cpu.add, cpu.has].map(median) as [
        number,
        number,
        number,
        number,
      ];
      cpuRows.push([
        label,
        register.toFixed(2),
        add.toFixed(2),
        (register / add).toFixed(1),
        check.toFixed(2),
        has.toFixed(2),
        (check / has).toFixed(1),
      ]);
    }
  } finally {
    bare.disconnect();
    await redis.stop();
  }
  console.log(
    markdownTable(
      [
        { title: 'backend' },
        { title: 'add + 10,000 registers s', align: 'right' },
        { title: '20,000 checks s', align: 'right' },
        { title: 'total s (median)', align: 'right' },
        { title: process.env.BENCH_PYTHON_S ? 'Python hanoi s' : 'Python hanoi s (assumed)', align: 'right' },
        { title: 'goal s', align: 'right' },
        { title: 'floor s', align: 'right' },
        { title: 'verdict' },
      ],
      rows,
    ),
  );
  console.log('\nCPU µs per call (medians; the baseline: a bare `await` + `Set.add` / `Set.has`, in the same round)\n');
  console.log(
    markdownTable(
      [
        { title: 'backend' },
        { title: 'register µs', align: 'right' },
        { title: 'baseline add µs', align: 'right' },
        { title: 'ratio', align: 'right' },
        { title: 'check µs', align: 'right' },
        { title: 'baseline has µs', align: 'right' },
        { title: 'ratio', align: 'right' },
      ],
      cpuRows,
    ),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
