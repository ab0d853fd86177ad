import { FeatureDisabledError, type Rollout } from '@hanoi/core';
import { features, requireFeature } from '@hanoi/express';
import type { NextFunction, Request, Response } from 'express';
import { EXPRESS_VERSIONS, independentBucket } from '../support/http-frameworks';

/** The users the load cycles through: `u-*` by bucket and list, `p-*` by pattern. */
export const USERS = [...Array.from({ length: 30 }, (_, i) => `u-${i}`), ...Array.from({ length: 10 }, (_, i) => `p-${i}`)];
/** The users `listed` names. */
export const LISTED = new Set(USERS.filter((_, i) => i % 3 === 0));
/** The percentage of `pct`. */
export const PCT = 30;

/** What `/check` answers. */
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
  await rollout.addFunc('all', { percentage: 100 });
  await rollout.addFunc('pct', { percentage: PCT });
  await rollout.addFunc('listed', { percentage: 0 });
  await rollout.register('listed', [...LISTED]);
  await rollout.addFunc('pattern', { percentage: 0 });
  await rollout.register('pattern', /^p-/);
  await rollout.addFunc('off', { percentage: 100, enabled: false });
  await rollout.addFunc('exp', { percentage: 100, variants: ['a', 'b', 'c'] });
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
 * `requireFeature('listed')`.
 *
 * @example
 * const app = createChaosApp(rollout);
 */
export function createChaosApp(rollout: Rollout) {
  const express = EXPRESS_VERSIONS[1]![1];
  const app = express();
  const guarded = rollout.check('listed', 1)(async (_user: string) => 'ran' as const);
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
        all: f.isEnabled('all'),
        pct: f.isEnabled('pct'),
        listed: f.isEnabled('listed'),
        pattern: f.isEnabled('pattern'),
        off: f.isEnabled('off'),
        late: f.isEnabled('late'),
        variant: f.variant('exp') ?? null,
        guard,
      };
      res.json(answer);
    } catch (err) {
      next(err);
    }
  });
  app.get('/beta', requireFeature('listed'), (_req: Request, res: Response) => {
    res.json({ beta: true });
  });
  return app;
}
