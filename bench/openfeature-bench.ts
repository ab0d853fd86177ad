/**
 * OpenFeature benchmark: `client.getBooleanValue` through HanoiProvider
 * against OpenFeature's own InMemoryProvider holding the same flags, and the
 * provider's own cost per evaluation (`provider.resolveBooleanEvaluation`,
 * no SDK around it) against `await rollout.isEnabled`, all in one run on
 * MemoryBackend. Run `pnpm build` first, then `pnpm --filter @hanoi/bench
 * openfeature` (BENCH_ROUNDS, BENCH_DEADLINE_S bound it; see bench/README.md).
 */
import { crc32, MemoryBackend, Rollout } from '@hanoi/core';
import { HanoiProvider } from '@hanoi/openfeature';
import { InMemoryProvider, OpenFeature, type EvaluationContext } from '@openfeature/server-sdk';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { userIds } from './core-workloads';
import {
  formatNs,
  formatRatio,
  machineLine,
  markdownTable,
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
  const options = roundsFromEnv({ rounds: 7, warmupRounds: 1, deadlineMs: 120_000, clock: 'cpu' });
  const resolved = fileURLToPath(import.meta.resolve('@hanoi/openfeature'));
  console.log('# OpenFeature: HanoiProvider against InMemoryProvider, and against rollout.isEnabled');
  console.log(`machine: ${machineLine()}`);
  console.log(`@hanoi/openfeature from: ${resolved}`);
  console.log(`rounds: ${options.rounds} (+${options.warmupRounds} warm-up), clock: ${options.clock}`);
  console.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );

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
  for (const flag of Object.keys(FLAGS)) {
    const cases: BenchCase[] = [
      loop('await rollout.isEnabled', DIRECT_ITERATIONS, (i) => rollout.isEnabled(flag, ids[i % ids.length]!)),
      loop(
        'await provider.resolveBooleanEvaluation',
        DIRECT_ITERATIONS,
        (i) => provider.resolveBooleanEvaluation(flag, false, contexts[i % ids.length]!),
        (resolution) => (resolution as { value: boolean }).value,
      ),
      loop('client.getBooleanValue, HanoiProvider', SDK_ITERATIONS, (i) =>
        hanoi.getBooleanValue(flag, false, contexts[i % ids.length]!),
      ),
      loop('client.getBooleanValue, InMemoryProvider', SDK_ITERATIONS, (i) =>
        inMemory.getBooleanValue(flag, false, contexts[i % ids.length]!),
      ),
    ];
    const results = await runRounds(cases, { ...options, deadlineMs: options.deadlineMs / 3 });
    const [isEnabled, resolve, viaHanoi, viaMemory] = results as [CaseResult, CaseResult, CaseResult, CaseResult];
    // Checksums per evaluation: the cases run different counts over the same ids.
    const shares = results.map((r, i) => r.checksum / cases[i]!.iterations);
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
      formatRatio(viaHanoi.medianNs, viaMemory.medianNs),
      formatNs(resolve.medianNs),
      formatNs(isEnabled.medianNs),
      formatRatio(resolve.medianNs, isEnabled.medianNs),
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
        { title: 'ratio', align: 'right' },
      ],
      rows,
    ),
  );
  console.log(
    `\nload average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  await OpenFeature.close();
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
