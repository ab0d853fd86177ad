import { Rollout, type Backend } from '@hanoi/core';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hanoiContext, loadUnleashState, type UnleashState, type UnleashTest } from './unleash-adapter';

/** The specification files SPEC names: every `tests` entry of each (not `variantTests`: the hashes differ by design). */
export const FILES = ['01', '02', '09', '11', '13', '14', '15', '17', '18', '21', '22'];

/**
 * Tests that cannot pass through the adapter because of a deliberate
 * difference named in SPEC, by file and description, with the reason.
 */
export const SKIPPED: Record<string, string> = {
  '17 Child is disabled if a transitive dependency exists.':
    'Hanoi follows chains of prerequisites; Unleash refuses them (SPEC: Prerequisites).',
  "17 Child is disabled if there's a cyclic dependency with the parent.":
    'Hanoi refuses a cycle of prerequisites when it is written, so the cycle cannot be stored (SPEC: Prerequisites).',
};

const directory = join(require.resolve('@unleash/client-specification/package.json'), '..', 'specifications');

function specification(prefix: string): { name: string; state: UnleashState; tests: UnleashTest[] } {
  const file = readdirSync(directory).find((f) => f.startsWith(`${prefix}-`))!;
  const parsed = JSON.parse(readFileSync(join(directory, file), 'utf8')) as {
    state: UnleashState;
    tests?: UnleashTest[];
  };
  return { name: file, state: parsed.state, tests: parsed.tests ?? [] };
}

/**
 * Runs the Unleash client specification through the adapter on backends
 * `makeBackend` makes (one per file); `close` releases each. `runs` picks
 * the files (by prefix) the backend can store; all by default.
 *
 * @example
 * describeUnleashSuite('MemoryBackend', async () => new MemoryBackend());
 */
export function describeUnleashSuite(
  label: string,
  makeBackend: () => Promise<Backend>,
  runs: (prefix: string) => boolean = () => true,
): void {
  describe.each(FILES.filter(runs).map((prefix) => [prefix, specification(prefix)] as const))(
    `Unleash client specification %s on ${label}`,
    (prefix, spec) => {
      let rollout: Rollout;
      let unmapped: Map<string, string>;

      beforeAll(async () => {
        rollout = new Rollout(await makeBackend(), { clock: () => Date.now() });
        unmapped = await loadUnleashState(rollout, spec.state);
      });
      afterAll(() => rollout?.close());

      const skipped = (test: UnleashTest) => SKIPPED[`${prefix} ${test.description}`] !== undefined;
      const run = spec.tests.filter((test) => !skipped(test)).map((test) => [test.description, test] as const);
      const skip = spec.tests
        .filter(skipped)
        .map((test) => [test.description, SKIPPED[`${prefix} ${test.description}`]]);
      if (skip.length > 0) it.skip.each(skip)('%s (skipped: %s)', () => undefined);
      it.each(run)('%s', async (_description, test) => {
        expect(unmapped.get(test.toggleName)).toBeUndefined();
        expect(await rollout.isEnabled(test.toggleName, hanoiContext(test.context) as never)).toBe(test.expectedResult);
      });

      it('maps every feature but those a deliberate difference leaves out', () => {
        const expectedUnmapped = prefix === '17' ? ['child.with.cycle'] : [];
        expect([...unmapped.keys()]).toEqual(expectedUnmapped);
      });
    },
  );
}
