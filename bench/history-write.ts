/**
 * What a write costs now that it appends a history entry: the median time
 * of `setPercentage` and of registering one user on each Redis backend,
 * against a bare round trip (PING) in the same run, with the history stream
 * already at its 10,000-entry limit (so every write also trims); the Redis
 * round trips and commands per write (INFO commandstats); and one check,
 * which must not have moved. Runs on any build of the packages, so the same
 * file measures before and after a change to the write path.
 */
import { Redis } from 'ioredis';
import {
  describeMachine,
  formatRatio,
  machineLine,
  markdownTable,
  roundsFromEnv,
  runRounds,
  type BenchCase,
} from './lib';
import { commandDelta, commandStats, startBenchRedis, type Kind } from './redis-setup';

const WRITES = 2_000;
const CHECKS = 200_000;
const FILL = 10_000;

const redis = await startBenchRedis();
const options = roundsFromEnv({ rounds: 5, deadlineMs: 120_000 });
try {
  const ping = new Redis(redis.server.url);
  const opened = await Promise.all((['RedisBackend', 'RedisHighPerfBackend'] as Kind[]).map((k) => redis.rollout(k)));
  const cases: BenchCase[] = [
    {
      name: 'PING (a bare round trip)',
      iterations: WRITES,
      async run(n) {
        for (let i = 0; i < n; i++) await ping.ping();
        return n;
      },
    },
  ];
  const perWrite: string[][] = [];
  for (const [i, kind] of (['RedisBackend', 'RedisHighPerfBackend'] as Kind[]).entries()) {
    const { rollout } = opened[i]!;
    await rollout.addFunc('w', { percentage: 10 });
    for (let k = 0; k < FILL; k++) await rollout.setPercentage('w', k % 101); // the stream at its limit
    const before = await commandStats(redis.admin);
    for (let k = 0; k < 100; k++) await rollout.setPercentage('w', k);
    const delta = commandDelta(before, await commandStats(redis.admin));
    perWrite.push([kind, (delta.scripts / 100).toFixed(2), (delta.all / 100).toFixed(2)]);
    let next = 0;
    cases.push(
      {
        name: `${kind} setPercentage`,
        iterations: WRITES,
        async run(n) {
          for (let k = 0; k < n; k++) await rollout.setPercentage('w', k % 101);
          return n;
        },
      },
      {
        name: `${kind} register one user`,
        iterations: WRITES,
        async run(n) {
          for (let k = 0; k < n; k++) await rollout.register('w', `u-${next++}`);
          return n;
        },
      },
      {
        name: `${kind} isEnabled (10%, from memory)`,
        iterations: kind === 'RedisBackend' ? CHECKS : WRITES,
        async run(n) {
          let on = 0;
          for (let k = 0; k < n; k++) if (await rollout.isEnabled('w', `x-${k & 4095}`)) on++;
          return on;
        },
      },
    );
  }
  const results = await runRounds(cases, options);
  const floor = results[0]!.medianNs;
  console.log(`# Writes with history\n\n${machineLine(describeMachine())}\n`);
  console.log(
    markdownTable(
      [
        { title: 'case' },
        { title: 'µs/op', align: 'right' },
        { title: 'spread', align: 'right' },
        { title: 'vs PING', align: 'right' },
      ],
      results.map((r) => [
        r.name,
        (r.medianNs / 1000).toFixed(2),
        `${Math.round(r.spread * 100)}%`,
        formatRatio(r.medianNs, floor),
      ]),
    ),
  );
  console.log('\nRound trips per setPercentage (EVAL/EVALSHA), and commands including those inside scripts:\n');
  console.log(
    markdownTable(
      [{ title: 'backend' }, { title: 'round trips', align: 'right' }, { title: 'commands', align: 'right' }],
      perWrite,
    ),
  );
  for (const { close } of opened) await close();
  ping.disconnect();
} finally {
  await redis.stop();
}
