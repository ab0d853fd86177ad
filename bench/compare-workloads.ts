// The three workloads of the side-by-side benchmark, and the same rule
// written for each library: hanoi, unleash-client (offline, bootstrapped)
// and GrowthBook (GrowthBookClient, its server-side pattern).
import type { Rollout } from '@hanoi/core';
import { GrowthBookClient } from '@growthbook/growthbook';
import { InMemStorageProvider, Unleash } from 'unleash-client';

export type WorkloadKey = 'rollout' | 'allowlist' | 'experiment';

export interface Workload {
  key: WorkloadKey;
  title: string;
  /** The feature checked, under the same name in every library. */
  feature: string;
  /** `flag`: is it on; `variant`: which of `variants`. */
  kind: 'flag' | 'variant';
  /** The ids checked, in order; timed passes walk them round. */
  ids: string[];
  /** Users who always have the feature (allow-list). */
  listed: string[];
  percentage: number;
  variants: string[];
}

// Phone-number-like ids of 12 characters, as in Python hanoi's README.
const idAt = (base: number, i: number) => String(base + i);

export function makeWorkloads(): Workload[] {
  const hundredThousand = Array.from({ length: 100_000 }, (_, i) => idAt(447_500_000_000, i));
  // 20,000 ids checked, every other one listed: any window of them is half on, half off.
  const mixed = Array.from({ length: 20_000 }, (_, i) => idAt(447_600_000_000, i));
  return [
    {
      key: 'rollout',
      title: '50% rollout, 100,000 ids',
      feature: 'rollout',
      kind: 'flag',
      ids: hundredThousand,
      listed: [],
      percentage: 50,
      variants: [],
    },
    {
      key: 'allowlist',
      title: '10,000-user allow-list (20,000 ids checked, half listed)',
      feature: 'allowlist',
      kind: 'flag',
      ids: mixed,
      listed: mixed.filter((_, i) => i % 2 === 0),
      percentage: 0,
      variants: [],
    },
    {
      key: 'experiment',
      title: '3-variant experiment, 100,000 ids',
      feature: 'experiment',
      kind: 'variant',
      ids: hundredThousand,
      listed: [],
      percentage: 100,
      variants: ['a', 'b', 'c'],
    },
  ];
}

/** Defines every workload's feature on a hanoi rollout. */
export async function defineHanoi(rollout: Rollout, workloads: readonly Workload[]): Promise<void> {
  for (const w of workloads) {
    await rollout.addFunc(w.feature, {
      percentage: w.percentage,
      ...(w.variants.length ? { variants: w.variants } : {}),
    });
    if (w.listed.length) await rollout.register(w.feature, w.listed);
  }
  await rollout.ready();
}

/**
 * unleash-client started offline: no polling (refreshInterval 0), no metrics,
 * toggles from a bootstrap held in memory. The allow-list is written twice,
 * as the userWithId strategy (`allowlist`) and as a constraint IN list
 * (`allowlist-in`), so the faster of the two is the one compared.
 */
export async function startUnleash(workloads: readonly Workload[]): Promise<Unleash> {
  const features: unknown[] = [];
  for (const w of workloads) {
    const feature = { name: w.feature, enabled: true, type: 'release', stale: false, impressionData: false };
    if (w.key === 'rollout') {
      features.push({
        ...feature,
        strategies: [
          {
            name: 'flexibleRollout',
            parameters: { rollout: String(w.percentage), stickiness: 'default', groupId: w.feature },
            constraints: [],
          },
        ],
      });
    } else if (w.key === 'allowlist') {
      features.push({
        ...feature,
        strategies: [{ name: 'userWithId', parameters: { userIds: w.listed.join(',') }, constraints: [] }],
      });
      features.push({
        ...feature,
        name: `${w.feature}-in`,
        strategies: [
          {
            name: 'default',
            parameters: {},
            constraints: [{ contextName: 'userId', operator: 'IN', inverted: false, values: w.listed }],
          },
        ],
      });
    } else {
      features.push({
        ...feature,
        strategies: [
          {
            name: 'flexibleRollout',
            parameters: { rollout: '100', stickiness: 'default', groupId: w.feature },
            constraints: [],
          },
        ],
        variants: w.variants.map((name, i) => ({
          name,
          weight: i === 0 ? 334 : 333,
          weightType: 'variable',
          stickiness: 'default',
        })),
      });
    }
  }
  return bootUnleash(features);
}

/**
 * An unleash-client offline: no polling (refreshInterval 0), no metrics,
 * `features` from a bootstrap held in memory; resolves once they are loaded.
 */
export async function bootUnleash(features: unknown[]): Promise<Unleash> {
  const unleash = new Unleash({
    appName: 'hanoi-bench',
    url: 'http://127.0.0.1:9/api/', // never called: refreshInterval 0 turns polling off
    refreshInterval: 0,
    disableMetrics: true,
    skipInstanceCountWarning: true,
    storageProvider: new InMemStorageProvider(),
    bootstrap: { data: features as never },
  });
  unleash.on('error', (err: unknown) => console.error('unleash error:', err));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('unleash-client did not load its bootstrap within 10 s')), 10_000);
    unleash.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return unleash;
}

/** A GrowthBookClient initialised synchronously from a payload: no network. */
export function startGrowthBook(workloads: readonly Workload[]): GrowthBookClient {
  const features: Record<string, unknown> = {};
  for (const w of workloads) {
    if (w.key === 'rollout') {
      features[w.feature] = {
        defaultValue: false,
        rules: [{ force: true, coverage: w.percentage / 100, hashAttribute: 'id' }],
      };
    } else if (w.key === 'allowlist') {
      features[w.feature] = { defaultValue: false, rules: [{ condition: { id: { $in: w.listed } }, force: true }] };
    } else {
      features[w.feature] = {
        defaultValue: 'none',
        rules: [
          {
            key: w.feature,
            variations: w.variants,
            weights: w.variants.map(() => 1 / w.variants.length),
            hashAttribute: 'id',
          },
        ],
      };
    }
  }
  return new GrowthBookClient().initSync({ payload: { features: features as never } });
}
