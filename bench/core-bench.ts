/**
 * Core benchmark: rollout.isEnabled and rollout.variant on MemoryBackend,
 * against (a) the bare bucketing loop and (b) that loop awaiting one promise
 * per check, all measured in the same run. Run `pnpm build` first, then
 * `pnpm --filter @hanoi/bench core` (BENCH_ROUNDS, BENCH_SCALE, BENCH_DEADLINE_S
 * bound it; BENCH_ONLY=<part of a title> picks workloads; see bench/README.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  describeMachine,
  formatNs,
  formatRatio,
  machineLine,
  markdownTable,
  roundsFromEnv,
  runRounds,
  type CaseResult,
} from './lib';
import { baselineCases, inRequestContext, makeWorkloads, rolloutCases, type Workload } from './core-workloads';

const AIM = 2; // isEnabled within 2x of (b)

async function main(): Promise<void> {
  const scale = Number(process.env.BENCH_SCALE ?? '1');
  if (!(scale > 0))
    throw new TypeError(`BENCH_SCALE is a number above 0, got ${JSON.stringify(process.env.BENCH_SCALE)}.`);
  const options = roundsFromEnv({ rounds: 7, warmupRounds: 1, deadlineMs: 180_000, clock: 'cpu' });
  const resolved = fileURLToPath(import.meta.resolve('@hanoi/core'));
  const machine = describeMachine();

  console.log(`# Core: isEnabled and variant on MemoryBackend`);
  console.log(`machine: ${machineLine(machine)}`);
  console.log(`@hanoi/core from: ${resolved}`);
  if (!/[/\\]dist[/\\]/.test(resolved))
    console.log('WARNING: not the built package; run from bench/ after `pnpm build`.');
  console.log(
    `rounds: ${options.rounds} (+${options.warmupRounds} warm-up), scale ${scale}, clock: ${options.clock}, medians in ns per check`,
  );
  console.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );

  const { rollout, workloads: all } = await makeWorkloads(scale);
  const only = process.env.BENCH_ONLY;
  const workloads = only ? all.filter((w) => w.title.includes(only)) : all;
  if (workloads.length === 0)
    throw new TypeError(`BENCH_ONLY=${only} names no workload; try one of: ${all.map((w) => w.title).join('; ')}.`);
  const perWorkload = { ...options, deadlineMs: options.deadlineMs / workloads.length };
  const report: { workload: string; results: CaseResult[] }[] = [];
  for (const workload of workloads) {
    const plain = [...baselineCases(workload), ...(await rolloutCases(rollout, workload))];
    const cases = workload.inRequestContext ? inRequestContext(rollout, plain) : plain;
    const results = await runRounds(cases, perWorkload);
    report.push({ workload: workload.title, results });
    console.log(`## ${workload.title}\n`);
    console.log(renderTable(workload, results));
    console.log(verdict(results));
    console.log('');
  }
  saveResults({ machine, scale, options, report });
}

function renderTable(workload: Workload, results: readonly CaseResult[]): string {
  const [a, b] = results;
  const rows = results.map((r) => [
    r.name,
    formatNs(r.medianNs),
    `${Math.round(r.spread * 100)}%`,
    formatRatio(r.medianNs, a!.medianNs),
    formatRatio(r.medianNs, b!.medianNs),
    `${((100 * r.checksum) / workload.iterations).toFixed(1)}%`,
  ]);
  return markdownTable(
    [
      { title: 'case' },
      { title: 'ns/check', align: 'right' },
      { title: 'spread', align: 'right' },
      { title: 'vs (a)', align: 'right' },
      { title: 'vs (b)', align: 'right' },
      { title: 'on', align: 'right' },
    ],
    rows,
  );
}

function verdict(results: readonly CaseResult[]): string {
  const b = results[1]!;
  const isEnabled = results.find((r) => r.name.startsWith('await rollout.isEnabled'))!;
  const ratio = isEnabled.medianNs / b.medianNs;
  const lib = results.slice(2);
  const agree = lib.every((r) => r.checksum === lib[0]!.checksum);
  return [
    `isEnabled / (b) = ${ratio.toFixed(2)} (aim: within ${AIM}x): ${ratio <= AIM ? 'met' : 'MISSED'}.`,
    agree
      ? 'The library paths agree on who has the feature.'
      : 'WARNING: the library paths disagree on who has the feature.',
  ].join(' ');
}

function saveResults(results: object): void {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}core-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, `${JSON.stringify(results, null, 1)}\n`);
  console.log(`raw samples: ${file}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
