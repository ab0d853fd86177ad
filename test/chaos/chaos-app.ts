import { FeatureDisabledError, type Rollout } from '@hanoi/core';
import { features, requireFeature } from '@hanoi/express';
import type { NextFunction, Request, Response } from 'express';
import type { RequestListener } from 'node:http';
import { EXPRESS_VERSIONS, independentBucket } from '../support/http-frameworks';

/** The users the load cycles through: `u-*` by bucket and list, `p-*` by pattern. */
export const USERS = [
  ...Array.from({ length: 30 }, (_, i) => `u-${i}`),
  ...Array.from({ length: 10 }, (_, i) => `p-${i}`),
];
/** The users listed for `beta`. */
export const LISTED = new Set(USERS.filter((_, i) => i % 3 === 0));
/** The percentage of `checkout`. */
export const PCT = 30;

/**
 * What `/check` answers, by role: `all` is `everyone` (100%), `pct` is
 * `checkout` (30%), `listed` is `beta` (listed users), `pattern` is
 * `staff_tools` (/^p-/), `off` is `hidden` (disabled), `late` is
 * `new_search` (added by another connection after the restart), `variant`
 * is `cdc_on`'s, `guard` is a `rollout.check('beta')` guard. The names are
 * those declared for the HTTP suites in test/support/http-register.ts.
 */
export interface CheckAnswer {
  all: boolean;
  pct: boolean;
  listed: boolean;
  pattern: boolean;
  off: boolean;
  late: boolean;
  variant: string | null;
  guard: 'ran' | 'denied';
}

/**
 * Defines the chaos test's features through `rollout`.
 *
 * @example
 * await defineFeatures(rollout);
 */
export async function defineFeatures(rollout: Rollout): Promise<void> {
  await rollout.addFunc('everyone', { percentage: 100 });
  await rollout.addFunc('checkout', { percentage: PCT });
  await rollout.addFunc('beta', { percentage: 0 });
  await rollout.register('beta', [...LISTED]);
  await rollout.addFunc('staff_tools', { percentage: 0 });
  await rollout.register('staff_tools', /^p-/);
  await rollout.addFunc('hidden', { percentage: 100, enabled: false });
  await rollout.addFunc('cdc_on', { percentage: 100, variants: ['a', 'b', 'c'] });
}

/**
 * The answers `user` must get whatever Redis does, worked out without the
 * library (the bucket from Node's zlib CRC-32, the pattern with JavaScript's
 * RegExp); `listed` is left out: it depends on whether the store answers.
 *
 * @example
 * expect(answer).toMatchObject(steadyAnswers('u-3'));
 */
export function steadyAnswers(user: string): Pick<CheckAnswer, 'all' | 'pct' | 'pattern' | 'off'> {
  return { all: true, pct: independentBucket(user) < PCT, pattern: /^p-/.test(user), off: false };
}

/**
 * The app under test: a stand-in auth layer (the user in `x-chaos-user`),
 * `features()`, a route of checks and a guard, and a route behind
 * `requireFeature('beta')`.
 *
 * @example
 * const app = createChaosApp(rollout);
 */
export function createChaosApp(rollout: Rollout): RequestListener {
  const express = EXPRESS_VERSIONS[1]![1];
  const app = express();
  const guarded = rollout.check('beta', 1)(async (_user: string) => 'ran' as const);
  app.use((req: Request, _res: Response, next: NextFunction) => {
    const id = req.header('x-chaos-user');
    if (id) (req as { user?: { id: string } }).user = { id };
    next();
  });
  app.use(features({ rollout }));
  app.get('/check', async (req: Request, res: Response, next: NextFunction) => {
    try {
      const f = req.features;
      const guard = await guarded(f.userId!).catch((err: unknown) => {
        if (err instanceof FeatureDisabledError) return 'denied' as const;
        throw err;
      });
      const answer: CheckAnswer = {
        all: f.isEnabled('everyone'),
        pct: f.isEnabled('checkout'),
        listed: f.isEnabled('beta'),
        pattern: f.isEnabled('staff_tools'),
        off: f.isEnabled('hidden'),
        late: f.isEnabled('new_search'),
        variant: f.variant('cdc_on') ?? null,
        guard,
      };
      res.json(answer);
    } catch (err) {
      next(err);
    }
  });
  app.get('/beta', requireFeature('beta'), (_req: Request, res: Response) => {
    res.json({ beta: true });
  });
  return app;
}
