import fc from 'fast-check';
import { modelAll, opArb, readAll, SEED_OPS, step, type Model } from './operations';
import { asciiIdArb, safePatternArb } from './pattern-arbitraries';
import { runTsChild } from './run-child';
import { BACKEND_KINDS, openSubject, startStore, type Store } from './subjects';

// Issue 6: random names, ids, percentages, variant lists and patterns, thrown
// at every backend. Each call is refused with InvalidArgumentError and
// changes nothing, or is stored and read back exactly, by the writer, by a
// second Rollout on its own connection and (Redis) by another process.
// Expected values come from the independent model in model.ts.

const RUNS = { memory: 250, redis: 50 };

function listedChecks(model: Model): Array<[string, string, boolean]> {
  const checks: Array<[string, string, boolean]> = [];
  for (const feature of model.values()) {
    for (const user of feature.users.slice(0, 3)) checks.push([feature.name, user, feature.enabled]);
  }
  return checks;
}

describe.each(BACKEND_KINDS)('properties on %s', (kind) => {
  let store: Store | undefined;
  let n = 0;
  const runs = kind === 'memory' ? RUNS.memory : RUNS.redis;

  beforeAll(async () => {
    store = await startStore(kind);
  });
  afterAll(async () => {
    await store?.stop();
  });

  it('refuses a call and changes nothing, or stores it and reads it back exactly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 12 }), async (ops) => {
        const subject = await openSubject(kind, store?.address(`prop-${++n}`));
        try {
          const model: Model = new Map();
          for (const op of [...SEED_OPS, ...ops]) await step(subject.rollout, model, op);
          expect(await readAll(subject.reader)).toEqual(modelAll(model));
          await subject.settled();
          for (const [name, user, on] of listedChecks(model))
            expect(await subject.reader.isEnabled(name, user)).toBe(on);
        } finally {
          await subject.close();
        }
      }),
      { numRuns: runs },
    );
  }, 120_000);

  it('answers a pattern as JavaScript’s own engine does, on ids both read alike', async () => {
    await fc.assert(
      fc.asyncProperty(safePatternArb, fc.array(asciiIdArb, { minLength: 1, maxLength: 6 }), async (pattern, ids) => {
        const subject = await openSubject(kind, store?.address(`match-${++n}`));
        try {
          await subject.rollout.addFunc('p', { percentage: 0 });
          await subject.rollout.register('p', pattern);
          const oracle = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
          for (const id of ids) expect(await subject.rollout.isEnabled('p', id)).toBe(oracle.test(id));
          await subject.settled();
          for (const id of ids) expect(await subject.reader.isEnabled('p', id)).toBe(oracle.test(id));
        } finally {
          await subject.close();
        }
      }),
      { numRuns: runs },
    );
  }, 120_000);

  const shared = kind !== 'memory';
  (shared ? it : it.skip)(
    'reads the same back from another process',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 4, maxLength: 12 }), async (ops) => {
          const prefix = `child-${++n}`;
          const subject = await openSubject(kind, store!.address(prefix));
          const model: Model = new Map();
          try {
            for (const op of [...SEED_OPS, ...ops]) await step(subject.rollout, model, op);
          } finally {
            await subject.close();
          }
          const checks = listedChecks(model);
          const child = await runTsChild(
            'test/hostile/read-back-child.ts',
            { kind, store: store!.address(prefix), checks: checks.map(([name, user]) => [name, user]) },
            30_000,
          );
          expect(child).toMatchObject({ code: 0, stderr: '', timedOut: false });
          expect(JSON.parse(child.stdout)).toEqual({
            features: modelAll(model),
            answers: checks.map(([, , on]) => on),
          });
        }),
        { numRuns: 3 },
      );
    },
    120_000,
  );
});
