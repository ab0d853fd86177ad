/**
 * Redis backends benchmark: the Python hanoi's benchmark.py workload on each
 * backend (and HighPerf with 1,000,000 users), the cost of a check against
 * MemoryBackend, Redis commands per request, and propagation between two
 * processes. Starts its own redis-server on a free port. Run `pnpm build`
 * first, then `pnpm --filter @hanoi/bench redis` (BENCH_ROUNDS bounds the
 * repeated parts; BENCH_MILLION=0 skips the million-user case).
 */
import { formatNs, formatRatio, machineLine, markdownTable, median, roundsFromEnv } from './lib';
import { checkCost, commandsPerRequest } from './redis-check-cost';
import { propagation } from './redis-propagation';
import { pythonWorkload, type PythonRow } from './redis-python-workload';
import { KINDS, startBenchRedis } from './redis-setup';

const fixed = (n: number, digits = 2) => n.toFixed(digits);

async function main(): Promise<void> {
  const options = roundsFromEnv({ rounds: 5, warmupRounds: 1, deadlineMs: 240_000, clock: 'wall' });
  const redis = await startBenchRedis();
  console.log(
    `# Redis backends\nmachine: ${machineLine()}\nredis-server on 127.0.0.1:${redis.server.port}; rounds: ${options.rounds}\n`,
  );
  try {
    console.log('## benchmark.py: FOO, 10,000 registered users, 20,000 checks (medians)\n');
    const rows: PythonRow[] = [];
    const python = { MemoryBackend: '3.25', RedisBackend: '29.07', RedisHighPerfBackend: '5.28' } as const;
    for (const kind of KINDS) {
      const runs: PythonRow[] = [];
      for (let r = 0; r < Math.min(options.rounds, 3); r++) runs.push(await pythonWorkload(redis, kind, 10_000));
      const pick = (f: (row: PythonRow) => number) => median(runs.map(f));
      rows.push({
        kind,
        users: 10_000,
        registerSeconds: pick((r) => r.registerSeconds),
        checkSeconds: pick((r) => r.checkSeconds),
        scriptsPerCheck: pick((r) => r.scriptsPerCheck),
        commandsPerCheck: pick((r) => r.commandsPerCheck),
      });
    }
    if (process.env.BENCH_MILLION !== '0') rows.push(await pythonWorkload(redis, 'RedisHighPerfBackend', 1_000_000));
    console.log(
      markdownTable(
        [
          { title: 'backend' },
          { title: 'users', align: 'right' },
          { title: 'register s', align: 'right' },
          { title: 'checks s', align: 'right' },
          { title: 'µs/check', align: 'right' },
          { title: 'scripts/check', align: 'right' },
          { title: 'commands/check', align: 'right' },
          { title: 'Python hanoi s', align: 'right' },
        ],
        rows.map((r) => [
          r.kind,
          String(r.users),
          fixed(r.registerSeconds, 3),
          fixed(r.checkSeconds, 3),
          fixed((r.checkSeconds / 20_000) * 1e6, 1),
          fixed(r.scriptsPerCheck),
          fixed(r.commandsPerCheck),
          r.users === 10_000 ? `${python[r.kind]} (2015, another machine)` : '',
        ]),
      ),
    );

    console.log('\n## One check, against MemoryBackend (ns/check, medians)\n');
    const cost = await checkCost(redis, options);
    const base = (feature: string) => cost.find((c) => c.name === `MemoryBackend ${feature}`)!.medianNs;
    console.log(
      markdownTable(
        [
          { title: 'case' },
          { title: 'ns/check', align: 'right' },
          { title: 'spread', align: 'right' },
          { title: 'vs MemoryBackend', align: 'right' },
        ],
        cost.map((c) => [
          c.name,
          formatNs(c.medianNs),
          `${Math.round(c.spread * 100)}%`,
          formatRatio(c.medianNs, base(c.name.split(' ')[1]!)),
        ]),
      ),
    );

    console.log('\n## Redis commands per request (forUser + 10 isEnabled + 10 variant, 1,000 users)\n');
    const requests = await commandsPerRequest(redis);
    console.log(
      markdownTable(
        [
          { title: 'backend' },
          { title: 'round trips (scripts)/request', align: 'right' },
          { title: 'commands incl. inside scripts', align: 'right' },
        ],
        requests.map((r) => [r.kind, fixed(r.scriptsPerRequest), fixed(r.commandsPerRequest)]),
      ),
    );

    console.log('\n## Propagation between two processes (200 changes, ms from the write call to seen)\n');
    const spread = [await propagation(redis, 'RedisBackend'), await propagation(redis, 'RedisHighPerfBackend')];
    console.log(
      markdownTable(
        [
          { title: 'backend' },
          { title: 'p50 ms', align: 'right' },
          { title: 'p99 ms', align: 'right' },
          { title: 'max ms', align: 'right' },
          { title: 'missed (2 s)', align: 'right' },
        ],
        spread.map((r) => [r.kind, fixed(r.p50, 1), fixed(r.p99, 1), fixed(r.max, 1), String(r.missed)]),
      ),
    );
  } finally {
    await redis.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
