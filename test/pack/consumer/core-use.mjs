// A tiny real use of @hanoi/core through both builds (import and require),
// as an app would. Prints what it observed as JSON; the test holds the
// expected values (from SPEC.md and the vectors).
import { createRequire } from 'node:module';

const builds = { esm: await import('@hanoi/core'), cjs: createRequire(import.meta.url)('@hanoi/core') };

async function use(core) {
  const rollout = new core.Rollout(new core.MemoryBackend(), { logger: { warn() {}, error() {} } });
  await rollout.addFunc('cdc_on', { percentage: 80, variants: ['foo', 'bar'] });
  await rollout.register('cdc_on', '447568110000');
  await rollout.register('cdc_on', /01$/);
  const isEnabled = {};
  for (const id of ['447568110000', '444401', '44488', '443301']) isEnabled[id] = await rollout.isEnabled('cdc_on', id);
  let invalid;
  try {
    await rollout.setPercentage('cdc_on', 101);
  } catch (err) {
    invalid = { name: err.name, code: err.code, isHanoiError: err instanceof core.HanoiError };
  }
  const guarded = rollout.check('cdc_on', 2)((parameter, user) => `ran for ${user}`);
  return {
    bucket444401: core.bucket('444401'),
    crcCheck: core.crc32('123456789'),
    isEnabled,
    noUser: await rollout.isEnabled('cdc_on'),
    unknown: await rollout.isEnabled('nope', '443301'),
    variant: await rollout.variant('cdc_on', '443301'),
    guarded: await guarded('foo', '443301'),
    denied: await guarded('foo', '44488').then(
      () => 'ran',
      (err) => err.code,
    ),
    percentageAfterInvalid: (await rollout.getFunc('cdc_on')).percentage,
    invalid,
    forUser: (await rollout.forUser('44488')).isEnabled('cdc_on'),
  };
}

const esmRollout = new builds.esm.Rollout();
const cjsRollout = new builds.cjs.Rollout();
process.stdout.write(
  JSON.stringify({
    esm: await use(builds.esm),
    cjs: await use(builds.cjs),
    // One current user per process, whichever build set it.
    sharedCurrentUser: esmRollout.withCurrentId('u-42', () => cjsRollout.getCurrentId()) ?? null,
  }),
);
