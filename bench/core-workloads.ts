import { crc32, MemoryBackend, Rollout, type UserFeatures } from '@hanoi/core';
import type { BenchCase } from './lib';

/** One workload: a feature, the ids it is checked for, and the percentage the baselines compare against. */
export interface Workload {
  title: string;
  feature: string;
  percentage: number;
  ids: readonly string[];
  iterations: number;
  /**
   * Run every case inside `rollout.withCurrentId`, as the Express and Koa
   * middleware run a request. On Node 20 that turns AsyncLocalStorage's
   * promise hooks on for the rest of the process, so such a workload goes last.
   */
  inRequestContext?: boolean;
}

const VARIANTS = ['control', 'treatment'];

/** `u-0000000`, `u-0000001`, ...: ids of one length, as the SPEC's fairness rule counts them. */
export function userIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `u-${String(i).padStart(7, '0')}`);
}

/**
 * A Rollout on MemoryBackend with the features the workloads check: a 50%
 * rollout, 1,000 listed users at 0%, three patterns at 0% (checked for 2,000
 * returning ids and for 100,000 distinct ones), and a 50% rollout checked
 * for 100,000 distinct ids. Every one has two variants.
 */
export async function makeWorkloads(scale = 1): Promise<{ rollout: Rollout; workloads: Workload[] }> {
  const rollout = new Rollout(new MemoryBackend());
  const pool = userIds(2000);
  const n = (count: number) => Math.max(1000, Math.round(count * scale));

  await rollout.addFunc('percentage', { percentage: 50, variants: VARIANTS });
  await rollout.addFunc('listed', { percentage: 0, variants: VARIANTS });
  await rollout.register('listed', pool.slice(0, 1000));
  await rollout.addFunc('patterns', { percentage: 0, variants: VARIANTS });
  await rollout.addFunc('patterns_wide', { percentage: 0, variants: VARIANTS });
  for (const pattern of [/01$/, /^u-00001/, /-9+$/]) {
    await rollout.register('patterns', pattern);
    await rollout.register('patterns_wide', pattern);
  }
  await rollout.addFunc('wide', { percentage: 50, variants: VARIANTS });

  return {
    rollout,
    workloads: [
      {
        title: 'percentage rollout (50%, 2,000 ids)',
        feature: 'percentage',
        percentage: 50,
        ids: pool,
        iterations: n(200_000),
      },
      {
        title: 'listed users (1,000 of 2,000 ids listed, 0%)',
        feature: 'listed',
        percentage: 0,
        ids: pool,
        iterations: n(200_000),
      },
      {
        title: 'patterns (3 patterns, 0%, 2,000 ids)',
        feature: 'patterns',
        percentage: 0,
        ids: pool,
        iterations: n(50_000),
      },
      {
        // Each id comes back only after 100,000 others: every check is a first sight for the pattern engine.
        title: 'patterns, 100,000 distinct ids (3 patterns, 0%, no id seen twice in a row of 8,192)',
        feature: 'patterns_wide',
        percentage: 0,
        ids: userIds(100_000),
        iterations: n(50_000),
      },
      {
        title: '100,000 distinct ids (50%)',
        feature: 'wide',
        percentage: 50,
        ids: userIds(100_000),
        iterations: n(100_000),
      },
      {
        title: 'percentage rollout inside a request context (AsyncLocalStorage on)',
        feature: 'percentage',
        percentage: 50,
        ids: pool,
        iterations: n(200_000),
        inRequestContext: true,
      },
    ],
  };
}

/** The baselines: (a) the bare bucketing loop, (b) the same awaiting one promise per check. */
export function baselineCases(w: Workload): BenchCase[] {
  const { ids, percentage: p, iterations } = w;
  return [
    {
      name: '(a) crc32 % 100 < p',
      iterations,
      run(count) {
        let on = 0;
        for (let i = 0; i < count; i++) if (crc32(ids[i % ids.length]!) % 100 < p) on++;
        return on;
      },
    },
    {
      name: '(b) (a) + await per check',
      iterations,
      async run(count) {
        let on = 0;
        for (let i = 0; i < count; i++) if (await Promise.resolve(crc32(ids[i % ids.length]!) % 100 < p)) on++;
        return on;
      },
    },
  ];
}

/** The library's paths: isEnabled, variant, a view per check, and a second check on a view. */
export async function rolloutCases(rollout: Rollout, w: Workload): Promise<BenchCase[]> {
  const { ids, feature, iterations } = w;
  const views: UserFeatures[] = [];
  for (const id of ids) views.push(await rollout.forUser(id));
  return [
    {
      name: 'await rollout.isEnabled(name, id)',
      iterations,
      async run(count) {
        let on = 0;
        for (let i = 0; i < count; i++) if (await rollout.isEnabled(feature, ids[i % ids.length]!)) on++;
        return on;
      },
    },
    {
      name: 'await rollout.variant(name, id)',
      iterations,
      async run(count) {
        let on = 0;
        for (let i = 0; i < count; i++) if ((await rollout.variant(feature, ids[i % ids.length]!)) !== undefined) on++;
        return on;
      },
    },
    {
      name: '(await rollout.forUser(id)).isEnabled(name)',
      iterations,
      async run(count) {
        let on = 0;
        for (let i = 0; i < count; i++) if ((await rollout.forUser(ids[i % ids.length]!)).isEnabled(feature)) on++;
        return on;
      },
    },
    {
      name: 'view.isEnabled(name), view kept (sync)',
      iterations,
      run(count) {
        let on = 0;
        for (let i = 0; i < count; i++) if (views[i % views.length]!.isEnabled(feature)) on++;
        return on;
      },
    },
  ];
}

/**
 * The same cases, each run inside `rollout.withCurrentId(...)`: the current
 * user is set, as in a request, while the checks name their user explicitly.
 */
export function inRequestContext(rollout: Rollout, cases: readonly BenchCase[]): BenchCase[] {
  return cases.map((c) => ({ ...c, run: (count: number) => rollout.withCurrentId('u-request', () => c.run(count)) }));
}
