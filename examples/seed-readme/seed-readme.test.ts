import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FeatureDisabledError, MissingUserError, type Rollout } from '@hanoi/core';
import { bootstrap, type Feature } from './bootstrap';
import { service } from './service';

// Expected values come from SPEC.md and the golden vectors, computed apart from this code base.
const fixtures = join(__dirname, '../../test/fixtures');
const buckets = new Map<string, number>(
  (
    JSON.parse(readFileSync(join(fixtures, 'bucketing.json'), 'utf8')) as { vectors: { id: string; bucket: number }[] }
  ).vectors.map((v) => [v.id, v.bucket]),
);
const variantCases = (
  JSON.parse(readFileSync(join(fixtures, 'variant-vectors.json'), 'utf8')) as {
    cases: { feature: string; userId: string; variants: { name: string; weight: number }[]; variant: string }[];
  }
).cases;
const expectedVariant = variantCases.find(
  (c) =>
    c.feature === 'cdc_on' &&
    c.userId === '443301' &&
    c.variants.map((v) => `${v.name}:${v.weight}`).join() === 'foo:1,bar:1',
)!.variant;

/** SPEC, "Is a feature on?", for the README's cdc_on: listed, or matching /01$/, or bucket < 80. */
function specSaysOn(id: string): boolean {
  return id === '447568110000' || /01$/.test(id) || buckets.get(id)! < 80;
}

let rollout: Rollout<Feature>;
beforeEach(async () => {
  rollout = await bootstrap();
});

describe('the seed README example, ported', () => {
  it('has the vectors it relies on', () => {
    expect(buckets.get('444401')).toBe(85); // not the README's signed Python 2 figure, 89
    expect(buckets.get('44488')).toBe(88);
    expect(buckets.get('443301')).toBe(5);
    expect(expectedVariant).toMatch(/^(foo|bar)$/);
  });

  it("runs service.py's scenarios and prints what the Python prints", async () => {
    const lines: unknown[] = [];
    // setCurrentId lasts for the rest of an async flow: keep it inside this one.
    const outcome = await rollout.withCurrentId(undefined, () => service(rollout, (line) => lines.push(line)));
    expect(outcome).toEqual({
      cdcLogicRan: true, // 444401 gets in by the /01$/ pattern, its bucket 85 being above 80
      enabledFor44488: false, // bucket 88 is not under 80
      againResult: "I'm in", // 443301 matches /01$/
      variantFor443301: expectedVariant,
    });
    expect(lines).toEqual([false, "I'm in", expectedVariant]);
    expect(rollout.getCurrentId()).toBeUndefined();
  });

  it('sets up cdc_on as bootstrap.py does', async () => {
    expect(await rollout.getFunc('cdc_on')).toEqual({
      name: 'cdc_on',
      enabled: true,
      percentage: 80,
      users: ['447568110000'],
      patterns: [{ source: '01$', flags: '' }],
      variants: [
        { name: 'foo', weight: 1 },
        { name: 'bar', weight: 1 },
      ],
    });
  });

  const ids = [...buckets.keys()].map((id) => [id.length > 24 ? `${id.slice(0, 20)}... (${id.length} chars)` : id, id]);
  it.each(ids)('answers for %s as the SPEC rules say', async (_label, id) => {
    const on = specSaysOn(id!);
    expect(await rollout.isEnabled('cdc_on', id!)).toBe(on);
    const variant = await rollout.variant('cdc_on', id!);
    if (on) expect(['foo', 'bar']).toContain(variant);
    else expect(variant).toBeUndefined();
  });

  it('explains why each README user is in or out', async () => {
    expect(await rollout.explain('cdc_on', '444401')).toEqual({
      enabled: true,
      reason: 'pattern',
      pattern: { source: '01$', flags: '' },
    });
    expect(await rollout.explain('cdc_on', '44488')).toEqual({
      enabled: false,
      reason: 'bucket',
      bucket: 88,
      percentage: 80,
    });
    expect(await rollout.explain('cdc_on', '447568110000')).toEqual({ enabled: true, reason: 'listed' });
  });

  it('guards refuse a user the feature is off for, and a missing user, without running the function', async () => {
    const fn = jest.fn(() => 'ran');
    const guarded = rollout.check('cdc_on')(fn);
    await expect(rollout.withCurrentId('44488', () => guarded())).rejects.toBeInstanceOf(FeatureDisabledError);
    await expect(rollout.withCurrentId(undefined, () => guarded())).rejects.toBeInstanceOf(MissingUserError);
    const byArgument = jest.fn((_parameter: string, _user: string) => 'ran');
    await expect(rollout.check('cdc_on', 2)(byArgument)('foo', '44488')).rejects.toMatchObject({
      code: 'HANOI_FEATURE_DISABLED',
    });
    expect(fn).not.toHaveBeenCalled();
    expect(byArgument).not.toHaveBeenCalled();
  });

  it('gives 443301 the same variant in a fresh rollout: sticky', async () => {
    const again = await bootstrap();
    expect(await again.variant('cdc_on', '443301')).toBe(await rollout.variant('cdc_on', '443301'));
  });

  it('runs with `pnpm start` (tsx service.ts) and prints three lines', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, 'package.json'), 'utf8')) as { scripts: { start: string } };
    const [runner, ...args] = pkg.scripts.start.split(' ');
    expect(runner).toBe('tsx');
    const tsxCli = require.resolve('tsx/cli', { paths: [__dirname] });
    const run = spawnSync(process.execPath, [tsxCli, ...args], { cwd: __dirname, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`false\nI'm in\n${expectedVariant}\n`);
  }, 90_000);
});
