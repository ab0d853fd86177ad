import { MemoryBackend, Rollout, type FeatureName } from '@hanoi/core';
import { features, requireFeature } from '@hanoi/express';
import type { Express, NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { EXPRESS_VERSIONS, type ExpressModule } from '../support/http-frameworks';

async function makeRollout(): Promise<Rollout<FeatureName>> {
  const rollout = new Rollout<FeatureName>(new MemoryBackend());
  await rollout.addFunc('beta', { percentage: 0 });
  await rollout.register('beta', 'alice');
  await rollout.addFunc('admin_tools', { percentage: 0 });
  await rollout.register('admin_tools', /^staff-/);
  return rollout;
}

/** Stand-in auth: the test names the user in a header; a real app has its auth layer here. */
function auth(req: Request, _res: Response, next: NextFunction): void {
  const id = req.header('x-test-user');
  if (id !== undefined) (req as { user?: { id: string } }).user = { id };
  next();
}

/** What a client can tell apart: status, body, type. */
function seen(res: request.Response) {
  return { status: res.status, type: res.headers['content-type'], body: res.text };
}

describe.each(EXPRESS_VERSIONS)('requireFeature() on %s', (_label, express: ExpressModule) => {
  function base(rollout: Rollout<FeatureName>): Express {
    const app = express();
    app.use(auth, features({ rollout }));
    return app;
  }

  it('lets users with the feature through, and hides the route from others like an unknown path', async () => {
    const rollout = await makeRollout();
    const guarded = base(rollout);
    guarded.get('/beta', requireFeature('beta'), (_req, res) => void res.json({ secret: true }));
    // The same app without the route: what Express answers for /beta when it does not exist.
    const without = base(rollout);

    await request(guarded).get('/beta').set('x-test-user', 'alice').expect(200, { secret: true });
    const denied = await request(guarded).get('/beta').set('x-test-user', 'bob');
    const unknown = await request(without).get('/beta').set('x-test-user', 'bob');
    expect(denied.status).toBe(404);
    expect(seen(denied)).toEqual(seen(unknown));
    const anonymous = await request(guarded).get('/beta');
    expect(seen(anonymous)).toEqual(seen(await request(without).get('/beta')));
    // And Express's 404 for any unknown path reads the same, but for the path.
    const nowhere = await request(guarded).get('/nowhere').set('x-test-user', 'bob');
    expect(seen(nowhere)).toEqual({ ...seen(denied), body: denied.text.replace('/beta', '/nowhere') });
  });

  it("answers with the app's own 404, named once in features({ notFound }), on a route and on a router", async () => {
    const rollout = await makeRollout();
    const notFound = (_req: Request, res: Response) => void res.status(404).json({ error: 'No such page' });
    const app = express();
    app.use(auth, features({ rollout, notFound }));
    app.get('/beta', requireFeature('beta'), (_req, res) => void res.send('beta'));
    const admin = express.Router();
    admin.use(requireFeature('admin_tools'));
    admin.get('/panel', (_req, res) => void res.send('panel'));
    app.use('/admin', admin);
    app.use(notFound); // the same answer for paths the app does not have

    const nowhere = seen(await request(app).get('/nowhere').set('x-test-user', 'bob'));
    expect(nowhere).toEqual({ status: 404, type: 'application/json; charset=utf-8', body: '{"error":"No such page"}' });
    expect(seen(await request(app).get('/beta').set('x-test-user', 'bob'))).toEqual(nowhere);
    expect(seen(await request(app).get('/admin/panel').set('x-test-user', 'bob'))).toEqual(nowhere);
    expect(seen(await request(app).get('/admin/panel'))).toEqual(nowhere);
    await request(app).get('/admin/panel').set('x-test-user', 'staff-1').expect(200, 'panel');
    await request(app).get('/beta').set('x-test-user', 'alice').expect(200, 'beta');
  });

  it('denies on a router even when the same guard ran on a route earlier in the request', async () => {
    const rollout = await makeRollout();
    const app = base(rollout);
    const beta = requireFeature('beta');
    app.get('/page', beta, (_req, res) => void res.send('route'));
    app.use(beta); // guards everything below, for every path
    app.get('/page', (_req, res) => void res.send('behind the app-level guard'));
    await request(app).get('/page').set('x-test-user', 'alice').expect(200, 'route');
    const denied = await request(app).get('/page').set('x-test-user', 'bob');
    expect(denied.status).toBe(404);
    expect(denied.text).not.toContain('behind');
  });

  it('answers { status: 403 } with the standard message', async () => {
    const rollout = await makeRollout();
    const app = base(rollout);
    app.get('/beta', requireFeature('beta', { status: 403 }), (_req, res) => void res.send('beta'));
    const res = await request(app).get('/beta').set('x-test-user', 'bob');
    expect(seen(res)).toEqual({ status: 403, type: 'text/plain; charset=utf-8', body: 'Forbidden' });
  });

  it('hands a denied request to onDenied', async () => {
    const rollout = await makeRollout();
    const app = base(rollout);
    const onDenied = (req: Request, res: Response) => void res.status(402).json({ upgrade: req.path });
    app.get('/beta', requireFeature('beta', { onDenied }), (_req, res) => void res.send('beta'));
    await request(app).get('/beta').set('x-test-user', 'bob').expect(402, { upgrade: '/beta' });
    await request(app).get('/beta').set('x-test-user', 'alice').expect(200, 'beta');
  });

  it('works without features() when given a rollout, with the user current for the handler', async () => {
    const rollout = await makeRollout();
    const app = express();
    app.use(auth);
    app.get('/beta', requireFeature('beta', { rollout }), async (req, res) => {
      res.json({ user: req.features.userId, service: await rollout.isEnabled('beta') });
    });
    await request(app).get('/beta').set('x-test-user', 'alice').expect(200, { user: 'alice', service: true });
    expect((await request(app).get('/beta').set('x-test-user', 'bob')).status).toBe(404);
  });

  it('tells the developer to mount features() when it has nothing to go on', async () => {
    const app = express();
    app.get('/beta', requireFeature('beta'), (_req, res) => void res.send('beta'));
    app.use((err: Error & { code?: string }, _req: Request, res: Response, _next: NextFunction) => {
      res.status(500).json({ code: err.code, message: err.message });
    });
    const res = await request(app).get('/beta').expect(500);
    expect(res.body.code).toBe('HANOI_FEATURES_NOT_MOUNTED');
    expect(res.body.message).toContain('app.use(features({ rollout }))');
  });

  it('refuses wrong options when it is built', async () => {
    expect(() => requireFeature(42 as never)).toThrow(TypeError);
    expect(() => requireFeature('has space' as never)).toThrow(
      expect.objectContaining({ code: 'HANOI_INVALID_ARGUMENT' }),
    );
    expect(() => requireFeature('beta', { status: 200 })).toThrow(/400 to 599/);
    expect(() => requireFeature('beta', { status: 40.4 })).toThrow(TypeError);
    expect(() => requireFeature('beta', { onDenied: 'nope' as never })).toThrow(/onDenied must be a function/);
    expect(() => requireFeature('beta', { rollout: {} as never })).toThrow(/rollout must be a Rollout/);
  });
});
