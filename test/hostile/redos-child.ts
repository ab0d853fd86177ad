/**
 * Run by redos.test.ts in its own process (`node --import tsx`), so that a
 * pattern engine that backtracks hangs this child, which the test kills,
 * rather than the test runner. Argument: JSON `{ kind, store? }`. Registers
 * every evil pattern, answers every evil id through each entry point and
 * prints the answers as JSON.
 */
import { FeatureDisabledError } from '@hanoi/core';
import { EVIL_CASES, type EvilAnswer } from './redos-cases';
import { openSubject, type BackendKind, type StoreAddress } from './subjects';

async function main(): Promise<void> {
  const { kind, store } = JSON.parse(process.argv[2] ?? '{}') as { kind: BackendKind; store?: StoreAddress };
  const subject = await openSubject(kind, store);
  const { rollout } = subject;
  for (const { feature, pattern } of EVIL_CASES) {
    await rollout.addFunc(feature, { percentage: 0 });
    await rollout.register(feature, pattern);
  }
  const answers: EvilAnswer[] = [];
  for (const { feature, id } of EVIL_CASES) {
    const guarded = rollout.check(feature, 1)(async (_user: string) => 'ran' as const);
    const guard = await guarded(id).catch((err: unknown) => {
      if (err instanceof FeatureDisabledError) return 'denied' as const;
      throw err;
    });
    answers.push({
      feature,
      id,
      isEnabled: await rollout.isEnabled(feature, id),
      forUser: (await rollout.forUser(id)).isEnabled(feature),
      explain: (await rollout.explain(feature, id)).enabled,
      guard,
    });
  }
  await subject.close();
  process.stdout.write(JSON.stringify(answers));
}

main().catch((err: unknown) => {
  process.stderr.write(String((err as Error)?.stack ?? err));
  process.exitCode = 1;
});
