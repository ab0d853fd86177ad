/**
 * Targeting side by side: one feature whose rule has three constraints (a
 * string IN, a NUM_GTE, a SEMVER_GT) and a segment of 100,000 users, checked
 * for users with attributes by hanoi, unleash-client (offline, bootstrapped,
 * the same constraints; the segment as Unleash stores one, a userId IN list)
 * and GrowthBook (the same conditions, the segment a saved group). Every
 * answer is compared before anything is timed. Run `pnpm build` first, then
 * `pnpm --filter @hanoi/bench compare:targeting` (BENCH_ROUNDS, BENCH_DEADLINE_S bound it).
 */
import { GrowthBookClient } from '@growthbook/growthbook';
import { MemoryBackend, Rollout, type UserFeatures } from '@hanoi/core';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import type { Unleash } from 'unleash-client';
import { passSize, runTimedRounds, timePass, type Pass, type PassBounds, type Timed } from './compare-harness';
import { bootUnleash } from './compare-workloads';
import { describeMachine, formatNs, formatRatio, machineLine, markdownTable, roundsFromEnv } from './lib';

const FEATURE = 'targeted';
const COUNTRIES = ['NL', 'BE', 'DE', 'FR', 'US'];
const WANTED = ['NL', 'BE', 'DE'];

interface Person {
  id: string;
  country: string;
  visits: number;
  version: string;
}

const id = (i: number) => `u-${String(i).padStart(7, '0')}`;
// 20,000 users; the segment holds every even id of 0..199,999 (100,000 ids), so half of them.
const people: Person[] = Array.from({ length: 20_000 }, (_, i) => ({
  id: id(i),
  country: COUNTRIES[i % COUNTRIES.length]!,
  visits: i % 7,
  version: `${1 + (i % 4)}.${i % 3}.0`,
}));
const members = Array.from({ length: 100_000 }, (_, i) => id(i * 2));

async function startHanoi(): Promise<Rollout> {
  const rollout = new Rollout(new MemoryBackend());
  await rollout.defineSegment('members', { users: members });
  await rollout.addFunc(FEATURE, {
    rules: [
      {
        constraints: [
          { attribute: 'country', operator: 'IN', values: WANTED },
          { attribute: 'visits', operator: 'NUM_GTE', value: 3 },
          { attribute: 'version', operator: 'SEMVER_GT', value: '2.0.0' },
          { operator: 'IN_SEGMENT', values: ['members'] },
        ],
      },
    ],
  });
  return rollout;
}

async function startUnleash(): Promise<Unleash> {
  const feature = {
    name: FEATURE,
    enabled: true,
    type: 'release',
    stale: false,
    impressionData: false,
    strategies: [
      {
        name: 'default',
        parameters: {},
        constraints: [
          { contextName: 'country', operator: 'IN', values: WANTED, inverted: false },
          { contextName: 'visits', operator: 'NUM_GTE', value: '3', inverted: false },
          { contextName: 'version', operator: 'SEMVER_GT', value: '2.0.0', inverted: false },
          // A segment of users is, in Unleash, a constraint on userId.
          { contextName: 'userId', operator: 'IN', values: members, inverted: false },
        ],
      },
    ],
  };
  return bootUnleash([feature]);
}

function startGrowthBook(): GrowthBookClient {
  const condition = {
    country: { $in: WANTED },
    visits: { $gte: 3 },
    version: { $vgt: '2.0.0' },
    id: { $inGroup: 'members' },
  };
  return new GrowthBookClient().initSync({
    payload: {
      features: { [FEATURE]: { defaultValue: false, rules: [{ condition, force: true }] } } as never,
      savedGroups: { members },
    },
  });
}

const unleashContext = (p: Person) => ({
  userId: p.id,
  properties: { country: p.country, visits: String(p.visits), version: p.version },
});

/** A pass over `count` people from `start` on, wrapping. */
function loop(check: (p: Person, i: number) => boolean): Pass {
  return (start, count) => {
    let tally = 0;
    for (let i = 0, j = start % people.length; i < count; i++, j = j + 1 === people.length ? 0 : j + 1) {
      if (check(people[j]!, i)) tally++;
    }
    return tally;
  };
}

async function main(): Promise<void> {
  const options = roundsFromEnv({ rounds: 7, warmupRounds: 1, deadlineMs: 90_000, clock: 'cpu' });
  const bounds: PassBounds = { targetMs: 40, minChecks: 200, maxChecks: 200_000 };
  console.log('# Targeting: three constraints and a segment of 100,000 users');
  console.log(`machine: ${machineLine(describeMachine())}`);
  console.log(`@hanoi/core from: ${fileURLToPath(import.meta.resolve('@hanoi/core'))}`);
  console.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );

  const rollout = await startHanoi();
  const unleash = await startUnleash();
  const gb = startGrowthBook();
  try {
    // Every library gives every answer alike before anything is timed.
    let on = 0;
    for (const p of people) {
      const ours = await rollout.isEnabled(FEATURE, { ...p });
      const theirs = [unleash.isEnabled(FEATURE, unleashContext(p)), gb.isOn(FEATURE, { attributes: { ...p } })];
      if (theirs.some((answer) => answer !== ours)) throw new Error(`answers differ for ${JSON.stringify(p)}`);
      if (ours) on++;
    }
    console.log(`sanity: ${people.length} users, ${on} on, the three libraries agree on every one\n`);

    let views: UserFeatures[] = [];
    const contenders: {
      label: string;
      key: string;
      pass: Pass;
      prepare?: (start: number, count: number) => Promise<void>;
    }[] = [
      {
        key: 'view',
        label: 'hanoi: req.features.isEnabled (the request view, built untimed)',
        prepare: async (start, count) => {
          views = new Array<UserFeatures>(count);
          for (let i = 0; i < count; i++) views[i] = rollout.forUserNow({ ...people[(start + i) % people.length]! })!;
        },
        pass: loop((_p, i) => views[i]!.isEnabled(FEATURE)),
      },
      {
        key: 'view-built',
        label: 'hanoi: forUserNow(context) + isEnabled (the view built per user)',
        pass: loop((p) => rollout.forUserNow(p)!.isEnabled(FEATURE)),
      },
      {
        key: 'unleash',
        label: 'unleash-client: isEnabled(name, context)',
        pass: loop((p) => unleash.isEnabled(FEATURE, unleashContext(p))),
      },
      {
        key: 'growthbook',
        label: 'GrowthBook: client.isOn(name, { attributes })',
        pass: loop((p) => gb.isOn(FEATURE, { attributes: p as never })),
      },
    ];
    const timed: Timed[] = [];
    for (const c of contenders) {
      let ns = 10_000;
      for (let i = 0; i < Math.max(1, options.warmupRounds); i++) {
        const count = passSize(ns, bounds);
        await c.prepare?.(0, count);
        ns = (await timePass(c.pass, 0, count)).wallNs;
      }
      timed.push({
        label: c.label,
        count: passSize(ns, bounds),
        length: people.length,
        prepare: c.prepare,
        pass: c.pass,
      });
    }
    const results = await runTimedRounds(timed, options.rounds, options.deadlineMs);
    const fastest = Math.min(results[2]!.medianNs, results[3]!.medianNs);
    console.log(
      markdownTable(
        [
          { title: 'contender' },
          { title: 'CPU ns per check (median)', align: 'right' },
          { title: 'spread', align: 'right' },
          { title: 'wall ns', align: 'right' },
          { title: 'the faster competitor / this', align: 'right' },
        ],
        results.map((r) => [
          r.label,
          formatNs(r.medianNs),
          `±${(r.spread * 100).toFixed(0)}%`,
          formatNs(r.wallMedianNs),
          formatRatio(fastest, r.medianNs),
        ]),
      ),
    );
    console.log(`\nrounds: ${results[0]!.samples.length}; load average at end: ${loadavg()[0]!.toFixed(2)}`);
  } finally {
    unleash.destroy();
    gb.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
