/**
 * Using Rollout: the Python hanoi README's service.py. Prints what the
 * Python prints (`False`, `I'm in`, a variant), the JavaScript way.
 *
 * Run it with `pnpm start` in this folder.
 */
import type { Rollout } from '@hanoi/core';
import { bootstrap, type Feature } from './bootstrap';

/** What the scenarios came to, for the example's test. */
export interface ServiceOutcome {
  /** Whether the guarded `executeCdcLogic` ran for the current user, 444401. */
  cdcLogicRan: boolean;
  /** `rollout.isEnabled('cdc_on', '44488')`. */
  enabledFor44488: boolean;
  /** What the guarded `executeAgainCdcLogic('foo', '443301')` returned. */
  againResult: string;
  /** `rollout.variant('cdc_on', '443301')`. */
  variantFor443301: string | undefined;
}

/**
 * Runs the README's scenarios against `rollout`, printing as service.py does.
 * It sets the current user for the rest of the calling async flow, as
 * `roll.set_current_id` does in Python; wrap it in `rollout.withCurrentId`
 * to keep that from the caller.
 *
 * @example
 * await service(await bootstrap()); // prints false, I'm in, bar
 */
export async function service(
  roll: Rollout<Feature>,
  print: (line: unknown) => void = console.log,
): Promise<ServiceOutcome> {
  // Define the current user (for this async flow: a request, a job, a script)
  roll.setCurrentId('444401');

  let cdcLogicRan = false;
  // Check if the current user is registered to `cdc_on`
  const executeCdcLogic = roll.check('cdc_on')(() => {
    cdcLogicRan = true;
  });

  // Based on the rules defined in bootstrap.ts, the guard allows the function
  // to run: 444401 ends in 01, so the /01$/ pattern lets it in. (Its bucket,
  // crc32('444401') % 100, is 85: above 80, so the percentage alone would
  // not. The Python README's 89 is a signed Python 2 figure.)
  await executeCdcLogic();

  // Check if `cdc_on` is enabled for the user `44488`.
  // Based on the rules defined in bootstrap.ts, it is false: bucket 88 is not under 80.
  const enabledFor44488 = await roll.isEnabled('cdc_on', '44488');
  print(enabledFor44488);

  // Check if `cdc_on` is enabled for the second parameter
  const executeAgainCdcLogic = roll.check('cdc_on', 2)((_parameter: string, _user: string) => "I'm in");

  // Based on the rules defined in bootstrap.ts, the guard allows the function
  // to run, as 443301 matches the pattern (and its bucket, 5, is under 80).
  const againResult = await executeAgainCdcLogic('foo', '443301');
  print(againResult);

  // Get a valid variant for user 443301: the same one on every run.
  const variantFor443301 = await roll.variant('cdc_on', '443301');
  print(variantFor443301);

  return { cdcLogicRan, enabledFor44488, againResult, variantFor443301 };
}

/**
 * bootstrap.ts, then service.ts: what `pnpm start` runs.
 *
 * @example
 * await main();
 */
export async function main(): Promise<void> {
  await service(await bootstrap());
}

// Run when started as a program (`pnpm start`), not when imported by the test.
if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
