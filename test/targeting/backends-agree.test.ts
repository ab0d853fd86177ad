import fc from 'fast-check';
import { MemoryBackend, OPERATORS, Rollout, type Backend } from '@hanoi/core';
import { referenceBucket } from '@hanoi/core/testing';
import { PostgresBackend } from '@hanoi/postgres';
import { RedisBackend, RedisHighPerfBackend } from '@hanoi/redis';
import { usePostgres } from '../postgres/postgres-fixture';
import { quietLogger, uniquePrefix, useRedis } from '../redis/redis-fixture';
import { holds, isValid, PATTERNS, STRINGS, type ModelConstraint } from './constraint-model';

// Every backend decides the same, and as an independent model of SPEC's
// order of evaluation says: deny list, everyone, listed, rules (a
// constraint, IN_SEGMENT inverted or not, a segment's users or
// constraints), bucket; on a unit that is the id or `companyId`. The
// backends that hold users in every process and those that look them up
// (RedisHighPerfBackend, PostgresBackend with lookupUsers) alike.
const redis = useRedis();
const pg = usePostgres();
jest.setTimeout(300_000);

const UNITS = ['u1', 'u2', 'u3', 'c1', 'c2'];
const units = fc.subarray(UNITS);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

/** A constraint on the attribute `x`, of any operator but IN_SEGMENT, well-formed (a refused one is another test's). */
const constraint: fc.Arbitrary<ModelConstraint> = fc
  .record({
    operator: fc.constantFrom(...OPERATORS.filter((o) => o !== 'IN_SEGMENT' && !o.startsWith('DATE_'))),
    values: fc.array(fc.constantFrom(...STRINGS, ...PATTERNS.map(([key]) => key), '12', '1.2.3'), {
      minLength: 1,
      maxLength: 2,
    }),
    value: fc.constantFrom('12', '1.2.3', '2.0.0', '-1'),
    inverted: fc.boolean(),
  })
  .map(({ operator, values, value, inverted }) =>
    ['IN', 'NOT_IN', 'STR_CONTAINS', 'STR_STARTS_WITH', 'STR_ENDS_WITH', 'REGEX'].includes(operator)
      ? { operator, values, inverted }
      : { operator, value, inverted },
  )
  .filter((c) => c.operator !== 'IN_CIDR' && isValid(c));

const scenario = fc.record({
  by: fc.constantFrom('id', 'companyId'),
  percentage: fc.constantFrom(0, 30, 100),
  listed: units,
  denied: units,
  segmentUsers: units,
  segmentConstraint: maybe(constraint),
  /** The one rule: IN_SEGMENT (inverted or not) and/or a constraint on x; none: no rules. */
  rule: maybe(fc.record({ segment: maybe(fc.boolean()), constraint: maybe(constraint) })),
  contexts: fc.array(
    fc.record({
      id: maybe(fc.constantFrom(...UNITS, 'u9')),
      companyId: maybe(fc.constantFrom(...UNITS, 'c9')),
      x: maybe(fc.constantFrom(...STRINGS, '12', '1.2.3', '3')),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;
type Ctx = Scenario['contexts'][number];

/** What SPEC says, worked out here without Hanoi's evaluation. */
function model(s: Scenario, context: Ctx): boolean {
  const unit = s.by === 'id' ? context.id : context.companyId;
  if (unit !== undefined && s.denied.includes(unit)) return false;
  if (s.percentage === 100) return true;
  if (unit !== undefined && s.listed.includes(unit)) return true;
  if (s.rule) {
    const inSegment =
      (unit !== undefined && s.segmentUsers.includes(unit)) ||
      (s.segmentConstraint !== undefined && holds(s.segmentConstraint, context.x));
    const segmentHolds = s.rule.segment === undefined || inSegment !== s.rule.segment;
    const constraintHolds = s.rule.constraint === undefined || holds(s.rule.constraint, context.x);
    if (segmentHolds && constraintHolds) return true;
  }
  return unit !== undefined && referenceBucket(unit) < s.percentage;
}

const withX = (c: ModelConstraint) => ({ attribute: 'x', ...c }) as never;

it('a constraint, a segment and a deny list decide the same on every backend, as the model says', async () => {
  const pool = pg.pool();
  const logger = quietLogger();
  const backends: [string, Backend][] = [
    ['MemoryBackend', new MemoryBackend()],
    ['RedisBackend', new RedisBackend(redis.client(), { prefix: uniquePrefix('agree'), logger })],
    ['RedisHighPerfBackend', new RedisHighPerfBackend(redis.client(), { prefix: uniquePrefix('agree-hp'), logger })],
    ['PostgresBackend', new PostgresBackend(pool, { schema: await pg.schema(), logger })],
    [
      'PostgresBackend with lookupUsers',
      new PostgresBackend(pool, { schema: await pg.schema(), lookupUsers: true, logger }),
    ],
  ];
  const rollouts = backends.map(([label, backend]) => [label, new Rollout(backend, { logger })] as const);
  await Promise.all(rollouts.map(([, rollout]) => rollout.ready()));
  let run = 0;
  try {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        run++;
        const [feature, segment] = [`f${run}`, `s${run}`];
        const answers: Record<string, boolean[]> = {};
        for (const [label, rollout] of rollouts) {
          await rollout.defineSegment(segment, {
            users: s.segmentUsers,
            ...(s.segmentConstraint ? { constraints: [withX(s.segmentConstraint)] } : {}),
          });
          const constraints = [
            ...(s.rule?.segment !== undefined
              ? [{ operator: 'IN_SEGMENT' as const, values: [segment], inverted: s.rule.segment }]
              : []),
            ...(s.rule?.constraint ? [withX(s.rule.constraint)] : []),
          ];
          await rollout.addFunc(feature, {
            percentage: s.percentage,
            by: s.by,
            ...(s.rule ? { rules: [{ constraints }] } : {}),
          });
          if (s.listed.length > 0) await rollout.register(feature, s.listed);
          if (s.denied.length > 0) await rollout.deny(feature, s.denied);
          const contexts = s.contexts.map((c) =>
            Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)),
          );
          answers[label] = await Promise.all(contexts.map((c) => rollout.isEnabled(feature, c as never)));
          // The request view (forUser) answers as the single check does.
          for (const [i, c] of contexts.entries()) {
            expect([label, (await rollout.forUser(c as never)).isEnabled(feature)]).toEqual([
              label,
              answers[label]![i],
            ]);
          }
        }
        const expected = s.contexts.map((c) => model(s, c));
        for (const [label] of rollouts) expect([label, answers[label]]).toEqual([label, expected]);
      }),
      { numRuns: 60 },
    );
  } finally {
    for (const [, rollout] of rollouts) await rollout.close();
  }
});
