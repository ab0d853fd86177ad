/**
 * OpenFeature benchmark: `client.getBooleanValue` through HanoiProvider
 * against OpenFeature's own InMemoryProvider holding the same flags, and the
 * provider's own cost per evaluation (`provider.resolveBooleanEvaluation`,
 * no SDK around it) against `await rollout.isEnabled`, all in one run on
 * MemoryBackend. Run `pnpm build` first, then `pnpm --filter @hanoi/bench
 * openfeature` (BENCH_ROUNDS, BENCH_DEADLINE_S bound it; see bench/README.md).
 *
 * With BENCH_CALLGRIND=1 it times nothing and counts instructions instead:
 * each side of the provider / isEnabled comparison runs alone under
 * `valgrind --tool=callgrind`, twice with different evaluation counts, and
 * the difference divided by the difference in counts is the instructions
 * per evaluation (start-up and loading cancel out). Repeatable on a shared,
 * noisy machine where times are not.
 */
import { crc32, MemoryBackend, Rollout } from '@hanoi/core';
import { HanoiProvider } from '@hanoi/openfeature';
import { InMemoryProvider, OpenFeature, type EvaluationContext } from '@openfeature/server-sdk';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { userIds } from './core-workloads';
import {
  callgrindCount,
  formatNs,
  formatRatio,
  machineLine,
  markdownTable,
  median,
  roundsFromEnv,
  runRounds,
  type BenchCase,
  type CaseResult,
} from './lib';

// The SDK costs microseconds per evaluation, Hanoi alone a tenth of one: the
// cheap cases run ten times as many, so that each round lasts tens of milliseconds.
const SDK_ITERATIONS = 20_000;
const DIRECT_ITERATIONS = 200_000;
const ids = userIds(2000);
const contexts: EvaluationContext[] = ids.map((id) => ({ targetingKey: id }));
const listed = new Set(ids.slice(0, 1000));
const bucket = (id: string) => (crc32(id) >>> 0) % 100;

/** The same three flags as InMemoryProvider holds them: its context evaluator does Hanoi's job. */
const FLAGS = {
  everyone: { variants: { on: true, off: false }, defaultVariant: 'on', disabled: false },
  percentage: {
    variants: { on: true, off: false },
    defaultVariant: 'off',
    disabled: false,
    contextEvaluator: (context: EvaluationContext) => (bucket(String(context.targetingKey)) < 50 ? 'on' : 'off'),
  },
  listed: {
    variants: { on: true, off: false },
    defaultVariant: 'off',
    disabled: false,
    contextEvaluator: (context: EvaluationContext) => (listed.has(String(context.targetingKey)) ? 'on' : 'off'),
  },
};

async function main(): Promise<void> {
  if (process.env.BENCH_CALLGRIND === '1') return countInstructions();
  const options = roundsFromEnv({ rounds: 15, warmupRounds: 2, deadlineMs: 180_000, clock: 'cpu' });
  const resolved = fileURLToPath(import.meta.resolve('@hanoi/openfeature'));
  console.log('# OpenFeature: HanoiProvider against InMemoryProvider, and against rollout.isEnabled');
  console.log(`machine: ${machineLine()}`);
  console.log(`@hanoi/openfeature from: ${resolved}`);
  console.log(`rounds: ${options.rounds} (+${options.warmupRounds} warm-up) per pair, clock: ${options.clock}`);
  console.log(`load average at start: ${load()}\n`);

  const rollout = new Rollout(new MemoryBackend());
  await rollout.addFunc('everyone', { percentage: 100 });
  await rollout.addFunc('percentage', { percentage: 50 });
  await rollout.addFunc('listed', { percentage: 0 });
  await rollout.register('listed', [...listed]);
  const provider = new HanoiProvider(rollout);
  await OpenFeature.setProviderAndWait('hanoi', provider);
  await OpenFeature.setProviderAndWait('in-memory', new InMemoryProvider(FLAGS));
  const hanoi = OpenFeature.getClient('hanoi');
  const inMemory = OpenFeature.getClient('in-memory');

  const rows: string[][] = [];
  // Each comparison is a pair of cases alone in its rounds (the order alternating), so that the
  // two sides of a ratio are timed side by side, and every round gives a ratio of its own.
  const deadlineMs = options.deadlineMs / (2 * Object.keys(FLAGS).length);
  for (const flag of Object.keys(FLAGS)) {
    const direct = [
      loop('await rollout.isEnabled', DIRECT_ITERATIONS, (i) => rollout.isEnabled(flag, ids[i % ids.length]!)),
      loop(
        'await provider.resolveBooleanEvaluation',
        DIRECT_ITERATIONS,
        (i) => provider.resolveBooleanEvaluation(flag, false, contexts[i % ids.length]!),
        (resolution) => (resolution as { value: boolean }).value,
      ),
    ];
    const sdk = [
      loop('client.getBooleanValue, HanoiProvider', SDK_ITERATIONS, (i) =>
        hanoi.getBooleanValue(flag, false, contexts[i % ids.length]!),
      ),
      loop('client.getBooleanValue, InMemoryProvider', SDK_ITERATIONS, (i) =>
        inMemory.getBooleanValue(flag, false, contexts[i % ids.length]!),
      ),
    ];
    const [isEnabled, resolve] = (await runRounds(direct, { ...options, deadlineMs })) as [CaseResult, CaseResult];
    const [viaHanoi, viaMemory] = (await runRounds(sdk, { ...options, deadlineMs })) as [CaseResult, CaseResult];
    const results = [isEnabled, resolve, viaHanoi, viaMemory];
    const iterations = [...direct, ...sdk].map((c) => c.iterations);
    // Checksums per evaluation: the cases run different counts over the same ids.
    const shares = results.map((r, i) => r.checksum / iterations[i]!);
    const agree = shares.every((share) => Math.abs(share - shares[0]!) < 0.01);
    console.log(`## ${flag}\n`);
    console.log(
      markdownTable(
        [{ title: 'case' }, { title: 'ns/evaluation', align: 'right' }, { title: 'spread', align: 'right' }],
        results.map((r) => [r.name, formatNs(r.medianNs), `${Math.round(r.spread * 100)}%`]),
      ),
    );
    console.log(agree ? 'Every path gives the same answers.' : 'WARNING: the paths disagree.');
    console.log('');
    rows.push([
      flag,
      formatNs(viaHanoi.medianNs),
      formatNs(viaMemory.medianNs),
      roundRatio(viaHanoi, viaMemory),
      formatNs(resolve.medianNs),
      formatNs(isEnabled.medianNs),
      formatRatio(resolve.medianNs, isEnabled.medianNs),
      roundRatio(resolve, isEnabled),
    ]);
  }
  console.log('## Summary (medians; aims: HanoiProvider / InMemoryProvider <= 1x, provider / isEnabled < 2x)\n');
  console.log(
    markdownTable(
      [
        { title: 'flag' },
        { title: 'SDK, HanoiProvider', align: 'right' },
        { title: 'SDK, InMemoryProvider', align: 'right' },
        { title: 'ratio', align: 'right' },
        { title: 'provider alone', align: 'right' },
        { title: 'isEnabled', align: 'right' },
        { title: 'ratio of medians', align: 'right' },
        { title: 'median ratio per round', align: 'right' },
      ],
      rows,
    ),
  );
  console.log(`\nload average at end: ${load()}`);
  await OpenFeature.close();
}

/** The median over rounds of `a / b`, both timed in the same round: a ratio that drift between rounds leaves alone. */
function roundRatio(a: CaseResult, b: CaseResult): string {
  const ratios = a.samples.map((sample, round) => sample / b.samples[round]!);
  return `${median(ratios).toFixed(2)}x (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`;
}

function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

// ---- instruction counts (BENCH_CALLGRIND=1) -----------------------------

/**
 * One side of the comparison, run alone by node under callgrind: the same
 * Rollout and ids as the timed run, `count` evaluations of `flag`, each
 * awaited. Plain JavaScript (no TypeScript loader to count), reading the
 * built packages through the bench's own dependencies.
 */
const CHILD = `
import { createRequire } from 'node:module';
const require = createRequire(process.env.BENCH_FROM);
const { MemoryBackend, Rollout } = require('@hanoi/core');
const { HanoiProvider } = require('@hanoi/openfeature');
const { BENCH_SIDE: side, BENCH_FLAG: flag } = process.env;
const count = Number(process.env.BENCH_COUNT);
const ids = Array.from({ length: ${ids.length} }, (_, i) => 'u-' + String(i).padStart(7, '0'));
const contexts = ids.map((id) => ({ targetingKey: id }));
const rollout = new Rollout(new MemoryBackend());
await rollout.addFunc('everyone', { percentage: 100 });
await rollout.addFunc('percentage', { percentage: 50 });
await rollout.addFunc('listed', { percentage: 0 });
await rollout.register('listed', ids.slice(0, ${listed.size}));
const provider = new HanoiProvider(rollout);
await provider.initialize();
let on = 0;
if (side === 'provider') {
  for (let i = 0; i < count; i++) if ((await provider.resolveBooleanEvaluation(flag, false, contexts[i % ids.length])).value) on++;
} else {
  for (let i = 0; i < count; i++) if (await rollout.isEnabled(flag, ids[i % ids.length])) on++;
}
console.log(on);
`;

/** Instructions per evaluation of each side, per flag, and their ratio. */
async function countInstructions(): Promise<void> {
  const counts = (process.env.BENCH_CALLGRIND_COUNTS ?? '20000,220000').split(',').map(Number);
  const [low, high] = counts as [number, number];
  if (!(counts.length === 2 && Number.isInteger(low) && Number.isInteger(high) && high > low && low > 0)) {
    throw new TypeError('BENCH_CALLGRIND_COUNTS is two evaluation counts, the smaller first: "20000,220000".');
  }
  console.log('# OpenFeature: instructions per evaluation, provider against rollout.isEnabled (callgrind)');
  console.log(`machine: ${machineLine()}`);
  console.log(`evaluation counts: ${low} and ${high}; per evaluation = (I(${high}) - I(${low})) / ${high - low}`);
  console.log(`load average at start: ${load()}\n`);
  // Jobs two at a time: the machine has two cores, and callgrind serialises each process on one.
  const jobs = Object.keys(FLAGS).flatMap((flag) =>
    ['isEnabled', 'provider'].flatMap((side) => [low, high].map((count) => ({ flag, side, count }))),
  );
  const collected = new Map<string, number>();
  for (let i = 0; i < jobs.length; i += 2) {
    await Promise.all(
      jobs.slice(i, i + 2).map(async ({ flag, side, count }) => {
        collected.set(`${flag}/${side}/${count}`, await callgrind(side, flag, count));
      }),
    );
  }
  const rows = Object.keys(FLAGS).map((flag) => {
    const per = (side: string) =>
      (collected.get(`${flag}/${side}/${high}`)! - collected.get(`${flag}/${side}/${low}`)!) / (high - low);
    const provider = per('provider');
    const isEnabled = per('isEnabled');
    return [flag, Math.round(provider).toString(), Math.round(isEnabled).toString(), formatRatio(provider, isEnabled)];
  });
  console.log(
    markdownTable(
      [
        { title: 'flag' },
        { title: 'provider alone, instructions', align: 'right' },
        { title: 'isEnabled, instructions', align: 'right' },
        { title: 'ratio', align: 'right' },
      ],
      rows,
    ),
  );
  console.log(`\nload average at end: ${load()}`);
}

/** The instructions callgrind counts in one child run (all of it: start-up, set-up and `count` evaluations). */
function callgrind(side: string, flag: string, count: number): Promise<number> {
  return callgrindCount(
    CHILD,
    {
      BENCH_FROM: fileURLToPath(new URL('./package.json', import.meta.url)),
      BENCH_SIDE: side,
      BENCH_FLAG: flag,
      BENCH_COUNT: String(count),
    },
    `${side} ${flag} ${count}`,
  );
}

/**
 * A case of `iterations` evaluations, one `await` each (as every case has);
 * the checksum counts the answers that were true.
 */
function loop(
  name: string,
  iterations: number,
  evaluate: (i: number) => Promise<unknown>,
  isOn: (answer: unknown) => boolean = (answer) => answer === true,
): BenchCase {
  return {
    name,
    iterations,
    async run(count) {
      let on = 0;
      for (let i = 0; i < count; i++) if (isOn(await evaluate(i))) on++;
      return on;
    },
  };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
