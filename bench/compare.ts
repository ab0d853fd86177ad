/**
 * Side by side: hanoi against unleash-client (offline, bootstrapped) and
 * GrowthBook (GrowthBookClient) on three workloads (a 50% rollout over
 * 100,000 ids, a 10,000-user allow-list, a 3-variant experiment), with the
 * bare loop (a) and the bare loop awaiting one promise per check (b)
 * measured in the same run. Every contender's answers are checked first
 * (about half on, exactly the listed users on, three even variants).
 *
 * Run `pnpm build`, then from bench/: `pnpm compare` (BENCH_ROUNDS,
 * BENCH_WARMUP, BENCH_DEADLINE_S, BENCH_TARGET_MS bound it; COMPARE_REDIS=1
 * adds RedisBackend on a redis-server it starts on a free port).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MemoryBackend, Rollout } from '@hanoi/core';
import { baselines, growthBookContenders, ours, unleashContenders, type Contender } from './compare-contenders';
import { passSize, runTimedRounds, timePass, type PassBounds, type Timed, type TimedResult } from './compare-harness';
import type { RedisRollout } from './compare-redis';
import { renderGoals, renderWorkload, type WorkloadReport } from './compare-report';
import { sanity } from './compare-sanity';
import { defineHanoi, makeWorkloads, startGrowthBook, startUnleash, type Workload } from './compare-workloads';
import { describeMachine, machineLine, roundsFromEnv } from './lib';

async function main(): Promise<void> {
  const options = roundsFromEnv({ rounds: 7, warmupRounds: 1, deadlineMs: 900_000 });
  const bounds: PassBounds = {
    targetMs: Number(process.env.BENCH_TARGET_MS ?? '60'),
    minChecks: 20,
    maxChecks: 200_000,
  };
  const machine = describeMachine();
  const resolved = fileURLToPath(import.meta.resolve('@hanoi/core'));
  console.log('# Side by side: hanoi, unleash-client, GrowthBook');
  console.log(
    `machine: ${machineLine(machine)}; load average ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`@hanoi/core from: ${resolved}`);
  if (!/[/\\]dist[/\\]/.test(resolved))
    console.log('WARNING: not the built package; run from bench/ after `pnpm build`.');
  if (!(globalThis as { gc?: unknown }).gc) console.log('note: run with --expose-gc to collect garbage between passes');
  console.log(
    `rounds: ${options.rounds} (+${options.warmupRounds} warm-up), passes of ~${bounds.targetMs} ms, medians of CPU ns per check (wall-clock beside)\n`,
  );

  const workloads = makeWorkloads();
  const memory = new Rollout(new MemoryBackend());
  await defineHanoi(memory, workloads);
  let redis: RedisRollout | undefined;
  if (process.env.COMPARE_REDIS === '1') {
    const { startRedisRollout } = await import('./compare-redis');
    redis = await startRedisRollout();
    await defineHanoi(redis.rollout, workloads);
    await redis.settle();
  }
  const unleash = await startUnleash(workloads);
  const gb = startGrowthBook(workloads);
  const contenders: Contender[] = [
    ...baselines(workloads),
    ...ours(memory, 'MemoryBackend', 'memory'),
    ...(redis ? ours(redis.rollout, 'RedisBackend', 'redis') : []),
    ...unleashContenders(unleash),
    ...growthBookContenders(gb),
  ];

  const reports: WorkloadReport[] = [];
  try {
    for (const w of workloads) {
      const applicable = contenders.filter((c) => !c.only || c.only.includes(w.key));
      console.log(`## ${w.title}\n`);
      const checked = new Map<Contender, { summary: string; nsEstimate: number }>();
      for (const c of applicable) checked.set(c, await sanity(w, c));
      const timed: Timed[] = [];
      for (const c of applicable)
        timed.push(await calibrate(w, c, checked.get(c)!.nsEstimate, bounds, options.warmupRounds));
      const results: TimedResult[] = await runTimedRounds(timed, options.rounds, options.deadlineMs / workloads.length);
      const report: WorkloadReport = {
        workload: w,
        rows: applicable.map((c, i) => ({ contender: c, result: results[i]!, sanity: checked.get(c)!.summary })),
      };
      reports.push(report);
      console.log(renderWorkload(report));
      console.log('');
    }
    console.log('## Goals\n');
    console.log(renderGoals(reports));
    saveResults(machine, options, reports);
  } finally {
    unleash.destroy();
    gb.destroy();
    await redis?.stop();
  }
}

/** Warm-up passes (discarded), then a pass size that takes about `bounds.targetMs`. */
async function calibrate(
  w: Workload,
  c: Contender,
  nsEstimate: number,
  bounds: PassBounds,
  warmups: number,
): Promise<Timed> {
  const pass = c.pass(w);
  let ns = nsEstimate;
  for (let i = 0; i < Math.max(1, warmups); i++) {
    const count = passSize(ns, bounds);
    await c.prepare?.(w, 0, count);
    ns = (await timePass(pass, 0, count)).wallNs;
  }
  return {
    label: c.label,
    count: passSize(ns, bounds),
    length: w.ids.length,
    ...(c.prepare ? { prepare: (start: number, count: number) => c.prepare!(w, start, count) } : {}),
    pass,
  };
}

function saveResults(machine: object, options: object, reports: readonly WorkloadReport[]): void {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}compare-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  const plain = reports.map((r) => ({
    workload: r.workload.title,
    rows: r.rows.map(({ contender, result, sanity: summary }) => ({
      family: contender.family,
      sanity: summary,
      ...result,
    })),
  }));
  writeFileSync(file, `${JSON.stringify({ machine, options, workloads: plain }, null, 1)}\n`);
  console.log(`\nraw samples: ${file}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
