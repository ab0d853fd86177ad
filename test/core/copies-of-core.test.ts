/**
 * Two copies of @hanoi/core in one app: an app that `import`s core's ESM
 * build while an adapter `require`s its CJS build, or two versions side by
 * side. Each copy has its own classes, so the objects that cross a package
 * boundary are recognised by a `Symbol.for` brand rather than `instanceof`.
 * Here the second copy is the same source loaded into an isolated module
 * registry; test/pack does the same with the real ESM and CJS builds.
 */
import * as core from '@hanoi/core';
import * as hanoiExpress from '@hanoi/express';
import * as hanoiKoa from '@hanoi/koa';
import express from 'express';
import Koa from 'koa';
import request from 'supertest';

let other: typeof core;
jest.isolateModules(() => {
  other = require('../../packages/core/src/index.ts') as typeof core;
});

async function otherRollout(): Promise<core.Rollout> {
  const rollout = new other.Rollout(new other.MemoryBackend());
  await rollout.addFunc('beta', { percentage: 0 });
  await rollout.register('beta', 'alice');
  return rollout;
}

it('is really a second copy: its classes are not ours', () => {
  expect(other.UserFeatures).not.toBe(core.UserFeatures);
  expect(new other.HanoiError('HANOI_CONFLICT', 'x')).not.toBeInstanceOf(core.HanoiError);
});

it('recognises UserFeatures and errors from the other copy by their brand', async () => {
  const rollout = await otherRollout();
  const view = await rollout.forUser('alice');
  expect(core.isUserFeatures(view)).toBe(true);
  expect(core.isUserFeatures({ isEnabled: () => true, userId: 'alice' })).toBe(false);
  expect(core.isUserFeatures(null)).toBe(false);

  const err = await rollout.setPercentage('nope', 10).catch((e: unknown) => e);
  expect(core.isHanoiError(err)).toBe(true);
  expect(core.isHanoiError(err, 'HANOI_FEATURE_NOT_FOUND')).toBe(true);
  expect(core.isHanoiError(err, 'HANOI_INVALID_ARGUMENT')).toBe(false);
  expect(core.isHanoiError(Object.assign(new Error('x'), { code: 'HANOI_FEATURE_NOT_FOUND' }))).toBe(false);
});

it("runs our Rollout's withFeatures on a view the other copy made", async () => {
  const view = await (await otherRollout()).forUser('alice');
  const ours = new core.Rollout(new core.MemoryBackend());
  expect(ours.withFeatures(view, () => ours.getCurrentId())).toBe('alice');
});

describe.each([
  [
    'Express',
    (rollout: core.Rollout) => {
      const app = express();
      app.use((req, _res, next) => {
        const id = req.header('x-user-id');
        if (id) (req as { user?: { id: string } }).user = { id };
        next();
      });
      app.use(hanoiExpress.features({ rollout }));
      app.get('/beta', hanoiExpress.requireFeature('beta'), (_req, res) => void res.send('in'));
      return app;
    },
  ],
  [
    'Koa',
    (rollout: core.Rollout) => {
      const app = new Koa();
      app.use(async (ctx, next) => {
        const id = ctx.get('x-user-id');
        if (id) ctx.state.user = { id };
        await next();
      });
      app.use(hanoiKoa.features({ rollout }));
      const guard = hanoiKoa.requireFeature('beta');
      app.use((ctx, next) =>
        ctx.path === '/beta'
          ? guard(ctx, async () => {
              ctx.body = 'in';
            })
          : next(),
      );
      return app.callback();
    },
  ],
])('the %s guard, with features() mounted on the other copy of core', (_name, makeApp) => {
  it('answers 200 for a listed user and 404 for others', async () => {
    const app = makeApp(await otherRollout());
    const alice = await request(app).get('/beta').set('x-user-id', 'alice');
    expect([alice.status, alice.text]).toEqual([200, 'in']);
    expect((await request(app).get('/beta').set('x-user-id', 'bob')).status).toBe(404);
    expect((await request(app).get('/beta')).status).toBe(404);
  });
});
