// Tables of compare.ts, in Markdown so a run's output pastes into bench/README.md.
import type { Contender } from './compare-contenders';
import type { TimedResult } from './compare-harness';
import type { Workload } from './compare-workloads';
import { formatNs, markdownTable } from './lib';

export interface WorkloadReport {
  workload: Workload;
  rows: { contender: Contender; result: TimedResult; sanity: string }[];
}

/** Goals of issue 5: ours within 2x of its baseline, and 10x faster than the fastest competitor. */
export const WITHIN = 2;
export const FASTER = 10;

const x = (ratio: number) =>
  Number.isFinite(ratio)
    ? `${ratio >= 100 ? ratio.toFixed(0) : ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}x`
    : 'n/a';

interface Figures {
  a: number;
  b: number;
  fastest: { label: string; ns: number };
  ns(key: string): number | undefined;
}

function figures(report: WorkloadReport): Figures {
  const byKey = new Map(report.rows.map((row) => [row.contender.key, row.result.medianNs]));
  const competitors = report.rows.filter((row) => row.contender.family === 'competitor');
  const best = competitors.reduce((min, row) => (row.result.medianNs < min.result.medianNs ? row : min));
  return {
    a: byKey.get('a')!,
    b: byKey.get('b')!,
    fastest: { label: best.contender.label, ns: best.result.medianNs },
    ns: (key) => byKey.get(key),
  };
}

/** The verdict on one of our rows: its baseline ratio and the fastest competitor's ratio to it, against the goals. */
function verdict(family: Contender['family'], ns: number, f: Figures): string {
  const base = family === 'ours-sync' ? f.a : f.b;
  const ok = ns / base <= WITHIN && f.fastest.ns / ns >= FASTER;
  return ok ? 'met' : 'MISSED';
}

/** One workload: every contender's median, its ratios, and what it answered in the sanity pass. */
export function renderWorkload(report: WorkloadReport): string {
  const f = figures(report);
  const rows = report.rows.map(({ contender, result, sanity }) => {
    const mine = contender.family.startsWith('ours');
    return [
      contender.label,
      formatNs(result.medianNs),
      formatNs(result.wallMedianNs),
      `${Math.round(result.spread * 100)}%`,
      x(result.medianNs / f.a),
      x(result.medianNs / f.b),
      mine ? x(f.fastest.ns / result.medianNs) : '',
      mine
        ? `${contender.family === 'ours-sync' ? '(a)' : '(b)'}: ${verdict(contender.family, result.medianNs, f)}`
        : '',
      sanity,
    ];
  });
  const table = markdownTable(
    [
      { title: 'contender' },
      { title: 'CPU ns/check', align: 'right' },
      { title: 'wall ns', align: 'right' },
      { title: 'spread', align: 'right' },
      { title: '÷ (a)', align: 'right' },
      { title: '÷ (b)', align: 'right' },
      { title: 'fastest rival ÷ this', align: 'right' },
      { title: `goal: ≤${WITHIN}x of, ≥${FASTER}x` },
      { title: 'answers (all ids)' },
    ],
    rows,
  );
  return `${table}\n\nfastest rival: ${f.fastest.label}, ${formatNs(f.fastest.ns)} ns`;
}

/** One line per workload: the figures the goals are about. */
export function renderGoals(reports: readonly WorkloadReport[]): string {
  const backends = ['memory', 'redis'].filter((key) =>
    reports[0]!.rows.some((row) => row.contender.key === `${key}:first`),
  );
  const rows: string[][] = [];
  for (const report of reports) {
    const f = figures(report);
    for (const backend of backends) {
      const first = f.ns(`${backend}:first`)!;
      const now = f.ns(`${backend}:now`);
      const fresh = f.ns(`${backend}:fresh`)!;
      const awaited = f.ns(`${backend}:await`)!;
      rows.push([
        report.workload.key,
        backend === 'memory' ? 'MemoryBackend' : 'RedisBackend',
        formatNs(f.a),
        formatNs(f.b),
        `${formatNs(first)} (${x(first / f.a)} (a))`,
        now === undefined ? 'n/a' : `${formatNs(now)} (${x(now / f.a)} (a), rival ÷ it ${x(f.fastest.ns / now)})`,
        `${formatNs(fresh)} (${x(fresh / f.b)} (b))`,
        `${formatNs(awaited)} (${x(awaited / f.b)} (b))`,
        `${formatNs(f.fastest.ns)} ${f.fastest.label.startsWith('(e)') ? 'Unleash' : 'GrowthBook'}`,
        `${x(f.fastest.ns / first)} / ${x(f.fastest.ns / fresh)} / ${x(f.fastest.ns / awaited)}`,
        [verdict('ours-sync', first, f), verdict('ours-async', fresh, f), verdict('ours-async', awaited, f)].join(
          ' / ',
        ),
      ]);
    }
  }
  return markdownTable(
    [
      { title: 'workload' },
      { title: 'backend' },
      { title: '(a) ns', align: 'right' },
      { title: '(b) ns', align: 'right' },
      { title: 'sync check, ns', align: 'right' },
      { title: 'forUserNow(id) + check, ns', align: 'right' },
      { title: 'view per id, ns', align: 'right' },
      { title: 'await isEnabled, ns', align: 'right' },
      { title: 'fastest rival, ns' },
      { title: 'rival ÷ ours (sync / per id / await)', align: 'right' },
      { title: 'goals (sync / per id / await)' },
    ],
    rows,
  );
}
