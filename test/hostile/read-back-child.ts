/**
 * Run by properties.test.ts in its own process: opens its own connection to
 * the store named by the JSON argument `{ kind, store, checks }`, and prints
 * every feature it reads and the answer to each `[name, user]` check, once
 * its in-memory view has caught up with what the store holds.
 */
import { readAll } from './operations';
import { openSubject, type BackendKind, type StoreAddress } from './subjects';

async function main(): Promise<void> {
  const { kind, store, checks } = JSON.parse(process.argv[2] ?? '{}') as {
    kind: BackendKind;
    store: StoreAddress;
    checks: Array<[string, string]>;
  };
  const subject = await openSubject(kind, store);
  const features = await readAll(subject.rollout);
  const answers: boolean[] = [];
  for (const [name, user] of checks) answers.push(await subject.rollout.isEnabled(name, user));
  await subject.close();
  process.stdout.write(JSON.stringify({ features, answers }));
}

main().catch((err: unknown) => {
  process.stderr.write(String((err as Error)?.stack ?? err));
  process.exitCode = 1;
});
