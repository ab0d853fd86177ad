// Every contender of the side-by-side benchmark. Each one writes out its own
// loop, so no call site inside a timed loop is shared (and made polymorphic)
// by two contenders: what is timed is the library call, nothing else.
import type { Rollout, UserFeatures } from '@hanoi/core';
import type { GrowthBookClient } from '@growthbook/growthbook';
import CRC32 from 'crc-32';
import type { Unleash } from 'unleash-client';
import type { Pass } from './compare-harness';
import type { Workload } from './compare-workloads';

/** What a contender's figure is compared with: the bare loop (a), the bare loop with one await per check (b). */
export type Family = 'baseline-sync' | 'baseline-async' | 'ours-sync' | 'ours-async' | 'competitor';

export interface Contender {
  /** A short stable key: `a`, `b`, `memory:first`, `redis:await`, `unleash`, `growthbook`... */
  key: string;
  label: string;
  family: Family;
  /** Which workloads it runs (all when absent). */
  only?: Workload['key'][];
  /** The answer for one id, untimed: for the sanity checks. */
  answer(w: Workload, id: string): Promise<boolean | string | undefined> | boolean | string | undefined;
  /** Untimed work before a pass (views built in advance). */
  prepare?(w: Workload, start: number, count: number): Promise<void>;
  /** The timed loop over `count` ids of `w` from `start` on. */
  pass(w: Workload): Pass;
}

const crc = (id: string) => CRC32.str(id) >>> 0;

/** (a) and (b): `Map.get` of the definition plus `crc32 % 100`, bare and with one awaited promise per check. */
export function baselines(workloads: readonly Workload[]): Contender[] {
  const defs = new Map(workloads.map((w) => [w.feature, { percentage: w.key === 'experiment' ? 50 : w.percentage }]));
  const check = (name: string, id: string) => crc(id) % 100 < defs.get(name)!.percentage;
  const checkAsync = (name: string, id: string) => Promise.resolve(crc(id) % 100 < defs.get(name)!.percentage);
  return [
    {
      key: 'a',
      label: '(a) bare loop: Map.get + crc32 % 100',
      family: 'baseline-sync',
      answer: (w, id) => check(w.feature, id),
      pass:
        ({ feature, ids }) =>
        (start, count) => {
          let tally = 0;
          for (let i = 0, j = start % ids.length; i < count; i++, j = j + 1 === ids.length ? 0 : j + 1) {
            const def = defs.get(feature)!;
            if ((CRC32.str(ids[j]!) >>> 0) % 100 < def.percentage) tally++;
          }
          return tally;
        },
    },
    {
      key: 'b',
      label: '(b) bare loop, one awaited promise per check',
      family: 'baseline-async',
      answer: (w, id) => checkAsync(w.feature, id),
      pass:
        ({ feature, ids }) =>
        async (start, count) => {
          let tally = 0;
          for (let i = 0, j = start % ids.length; i < count; i++, j = j + 1 === ids.length ? 0 : j + 1) {
            if (await checkAsync(feature, ids[j]!)) tally++;
          }
          return tally;
        },
    },
  ];
}

/** (c) and (d): hanoi's synchronous per-user view and its promise-returning checks, on one backend. */
export function ours(rollout: Rollout, backendName: string, backendKey: string): Contender[] {
  let views: UserFeatures[] = [];
  const buildViews = async ({ ids }: Workload, start: number, count: number, checkOnce?: string) => {
    views = new Array<UserFeatures>(count);
    for (let i = 0, j = start % ids.length; i < count; i++, j = j + 1 === ids.length ? 0 : j + 1) {
      views[i] = await rollout.forUser(ids[j]!);
      if (checkOnce) views[i]!.isEnabled(checkOnce);
    }
  };
  const viewPass =
    ({ feature, kind, variants }: Workload): Pass =>
    (_start, count) => {
      let tally = 0;
      if (kind === 'flag') {
        for (let i = 0; i < count; i++) if (views[i]!.isEnabled(feature)) tally++;
      } else {
        const first = variants[0];
        for (let i = 0; i < count; i++) if (views[i]!.variant(feature) === first) tally++;
      }
      return tally;
    };
  const answerOf = async (w: Workload, id: string) => {
    const view = await rollout.forUser(id);
    return w.kind === 'flag' ? view.isEnabled(w.feature) : view.variant(w.feature);
  };
  // The view built per id without a promise: only where no lookup is needed (in memory), as in the middleware.
  const now: Contender[] =
    backendKey === 'memory'
      ? [
          {
            key: `${backendKey}:now`,
            label: `(c) ${backendName}: forUserNow(id) + check (view built per id, synchronous)`,
            family: 'ours-sync',
            answer: answerOf,
            pass:
              ({ feature, kind, ids, variants }) =>
              (start, count) => {
                let tally = 0;
                const first = variants[0];
                if (kind === 'flag') {
                  for (let i = 0, j = start % ids.length; i < count; i++, j = j + 1 === ids.length ? 0 : j + 1) {
                    if (rollout.forUserNow(ids[j]!)!.isEnabled(feature)) tally++;
                  }
                } else {
                  for (let i = 0, j = start % ids.length; i < count; i++, j = j + 1 === ids.length ? 0 : j + 1) {
                    if (rollout.forUserNow(ids[j]!)!.variant(feature) === first) tally++;
                  }
                }
                return tally;
              },
          },
        ]
      : [];
  return [
    ...now,
    {
      key: `${backendKey}:first`,
      label: `(c) ${backendName}: req.features check, view built before (first check)`,
      family: 'ours-sync',
      answer: answerOf,
      prepare: (w, start, count) => buildViews(w, start, count),
      pass: viewPass,
    },
    {
      key: `${backendKey}:repeat`,
      label: `(c) ${backendName}: req.features check, same view again (memoised)`,
      family: 'ours-sync',
      answer: answerOf,
      prepare: (w, start, count) => buildViews(w, start, count, w.feature),
      pass: viewPass,
    },
    {
      key: `${backendKey}:fresh`,
      label: `(c) ${backendName}: await forUser(id) + check (view built per id)`,
      family: 'ours-async',
      answer: answerOf,
      pass:
        ({ feature, kind, ids, variants }) =>
        async (start, count) => {
          let tally = 0;
          const first = variants[0];
          for (let i = 0, j = start % ids.length; i < count; i++, j = j + 1 === ids.length ? 0 : j + 1) {
            const view = await rollout.forUser(ids[j]!);
            if (kind === 'flag' ? view.isEnabled(feature) : view.variant(feature) === first) tally++;
          }
          return tally;
        },
    },
    {
      key: `${backendKey}:await`,
      label: `(d) ${backendName}: await rollout.isEnabled / variant`,
      family: 'ours-async',
      answer: (w, id) => (w.kind === 'flag' ? rollout.isEnabled(w.feature, id) : rollout.variant(w.feature, id)),
      pass:
        ({ feature, kind, ids, variants }) =>
        async (start, count) => {
          let tally = 0;
          const first = variants[0];
          if (kind === 'flag') {
            for (let i = 0, j = start % ids.length; i < count; i++, j = j + 1 === ids.length ? 0 : j + 1) {
              if (await rollout.isEnabled(feature, ids[j]!)) tally++;
            }
          } else {
            for (let i = 0, j = start % ids.length; i < count; i++, j = j + 1 === ids.length ? 0 : j + 1) {
              if ((await rollout.variant(feature, ids[j]!)) === first) tally++;
            }
          }
          return tally;
        },
    },
  ];
}

/** (e) unleash-client; the allow-list twice (userWithId strategy, constraint IN list). */
export function unleashContenders(unleash: Unleash): Contender[] {
  const make = (key: string, label: string, suffix: string, only?: Workload['key'][]): Contender => ({
    key,
    label,
    family: 'competitor',
    ...(only ? { only } : {}),
    answer: (w, id) =>
      w.kind === 'flag'
        ? unleash.isEnabled(w.feature + suffix, { userId: id })
        : unleash.getVariant(w.feature + suffix, { userId: id }).name,
    pass:
      ({ feature, kind, ids, variants }) =>
      (start, count) => {
        const name = feature + suffix;
        const first = variants[0];
        let tally = 0;
        if (kind === 'flag') {
          for (let i = 0, j = start % ids.length; i < count; i++, j = j + 1 === ids.length ? 0 : j + 1) {
            if (unleash.isEnabled(name, { userId: ids[j]! })) tally++;
          }
        } else {
          for (let i = 0, j = start % ids.length; i < count; i++, j = j + 1 === ids.length ? 0 : j + 1) {
            if (unleash.getVariant(name, { userId: ids[j]! }).name === first) tally++;
          }
        }
        return tally;
      },
  });
  return [
    make('unleash', '(e) unleash-client: isEnabled / getVariant', ''),
    make('unleash-in', '(e) unleash-client: constraint IN list', '-in', ['allowlist']),
  ];
}

/** (f) GrowthBook's GrowthBookClient: per-call user context, and a scoped instance per id. */
export function growthBookContenders(gb: GrowthBookClient): Contender[] {
  const answer = (w: Workload, id: string) =>
    w.kind === 'flag'
      ? gb.isOn(w.feature, { attributes: { id } })
      : (gb.getFeatureValue(w.feature, 'none', { attributes: { id } }) as string);
  return [
    {
      key: 'growthbook',
      label: '(f) GrowthBook: client.isOn / getFeatureValue(key, { attributes })',
      family: 'competitor',
      answer,
      pass:
        ({ feature, kind, ids, variants }) =>
        (start, count) => {
          const first = variants[0];
          let tally = 0;
          if (kind === 'flag') {
            for (let i = 0, j = start % ids.length; i < count; i++, j = j + 1 === ids.length ? 0 : j + 1) {
              if (gb.isOn(feature, { attributes: { id: ids[j]! } })) tally++;
            }
          } else {
            for (let i = 0, j = start % ids.length; i < count; i++, j = j + 1 === ids.length ? 0 : j + 1) {
              if (gb.getFeatureValue(feature, 'none', { attributes: { id: ids[j]! } }) === first) tally++;
            }
          }
          return tally;
        },
    },
    {
      key: 'growthbook-scoped',
      label: '(f) GrowthBook: createScopedInstance per id + isOn',
      family: 'competitor',
      answer,
      pass:
        ({ feature, kind, ids, variants }) =>
        (start, count) => {
          const first = variants[0];
          let tally = 0;
          for (let i = 0, j = start % ids.length; i < count; i++, j = j + 1 === ids.length ? 0 : j + 1) {
            const scoped = gb.createScopedInstance({ attributes: { id: ids[j]! } });
            if (kind === 'flag' ? scoped.isOn(feature) : scoped.getFeatureValue(feature, 'none') === first) tally++;
          }
          return tally;
        },
    },
  ];
}
