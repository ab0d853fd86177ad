import Router from '@koa/router';
import { MemoryBackend, Rollout, type FeatureName } from '@hanoi/core';
import { features, requireFeature } from '@hanoi/koa';
import type { Context, Next } from 'koa';
import request from 'supertest';
import { KOA_VERSIONS, type KoaModule } from '../support/http-frameworks';

async function makeRollout(): Promise<Rollout<FeatureName>> {
  const rollout = new Rollout<FeatureName>(new MemoryBackend());
  await rollout.addFunc('beta', { percentage: 0 });
  await rollout.register('beta', 'alice');
  await rollout.addFunc('admin_tools', { percentage: 0 });
  await rollout.register('admin_tools', /^staff-/);
  return rollout;
}

/** Stand-in auth: the test names the user in a header; a real app has its auth layer here. */
async function auth(ctx: Context, next: Next): Promise<void> {
  const id = ctx.get('x-test-user');
  if (id) ctx.state.user = { id };
  await next();
}

/** What a client can tell apart: status, body, type. */
function seen(res: request.Response) {
  return { status: res.status, type: res.headers['content-type'], body: res.text };
}

describe.each(KOA_VERSIONS)('requireFeature() on %s', (_label, Koa: KoaModule) => {
  /** An app with a guarded route, a guarded router, and an optional upstream 404 fallback. */
  async function makeApp(fallback: boolean, guard = {}) {
    const rollout = await makeRollout();
    const app = new Koa();
    if (fallback) {
      app.use(async (ctx: Context, next: Next) => {
        await next();
        if (ctx.status !== 404 || ctx.body !== undefined) return;
        ctx.body = { error: 'No such page' };
        ctx.status = 404; // setting a body made it 200
      });
    }
    app.use(auth);
    app.use(features({ rollout }));
    const router = new Router();
    router.get('/beta', requireFeature('beta', guard), (ctx) => {
      ctx.body = { secret: true };
    });
    const admin = new Router({ prefix: '/admin' });
    admin.use(requireFeature('admin_tools', guard));
    admin.get('/panel', (ctx) => {
      ctx.body = 'panel';
    });
    app.use(router.routes()).use(router.allowedMethods());
    app.use(admin.routes());
    return app.callback();
  }

  it.each([
    ["Koa's own 404", false],
    ["the app's fallback", true],
  ])(
    'hides guarded paths from users without the feature exactly as unknown paths, with %s',
    async (_what, fallback) => {
      const app = await makeApp(fallback);
      const nowhere = seen(await request(app).get('/nowhere').set('x-test-user', 'bob'));
      expect(nowhere.status).toBe(404);
      expect(nowhere.body).toBe(fallback ? '{"error":"No such page"}' : 'Not Found');
      expect(seen(await request(app).get('/beta').set('x-test-user', 'bob'))).toEqual(nowhere);
      expect(seen(await request(app).get('/beta'))).toEqual(nowhere);
      expect(seen(await request(app).get('/admin/panel').set('x-test-user', 'bob'))).toEqual(nowhere);
      await request(app).get('/beta').set('x-test-user', 'alice').expect(200, { secret: true });
      await request(app).get('/admin/panel').set('x-test-user', 'staff-3').expect(200, 'panel');
    },
  );

  it('answers { status: 403 } with the standard message', async () => {
    const app = await makeApp(false, { status: 403 });
    const res = await request(app).get('/beta').set('x-test-user', 'bob');
    expect(seen(res)).toEqual({ status: 403, type: 'text/plain; charset=utf-8', body: 'Forbidden' });
    expect((await request(app).get('/admin/panel')).status).toBe(403);
  });

  it('hands a denied request to onDenied', async () => {
    const onDenied = (ctx: Context) => {
      ctx.status = 402;
      ctx.body = { upgrade: ctx.path };
    };
    const app = await makeApp(false, { onDenied });
    await request(app).get('/beta').set('x-test-user', 'bob').expect(402, { upgrade: '/beta' });
    await request(app).get('/beta').set('x-test-user', 'alice').expect(200, { secret: true });
  });

  it('works without features() when given a rollout, with the user current for the handler', async () => {
    const rollout = await makeRollout();
    const app = new Koa();
    app.use(auth);
    const router = new Router();
    router.get('/beta', requireFeature('beta', { rollout }), async (ctx) => {
      ctx.body = {
        user: ctx.features.userId,
        state: ctx.state.features === ctx.features,
        service: await rollout.isEnabled('beta'),
      };
    });
    app.use(router.routes());
    await request(app.callback())
      .get('/beta')
      .set('x-test-user', 'alice')
      .expect(200, { user: 'alice', state: true, service: true });
    expect((await request(app.callback()).get('/beta').set('x-test-user', 'bob')).status).toBe(404);
  });

  it('tells the developer to mount features() when it has nothing to go on', async () => {
    const app = new Koa();
    app.use(async (ctx: Context, next: Next) => {
      try {
        await next();
      } catch (err) {
        ctx.status = 500;
        ctx.body = { code: (err as { code?: string }).code, message: (err as Error).message };
      }
    });
    app.use(requireFeature('beta'));
    const res = await request(app.callback()).get('/').expect(500);
    expect(res.body.code).toBe('HANOI_FEATURES_NOT_MOUNTED');
    expect(res.body.message).toContain('app.use(features({ rollout }))');
  });

  it('refuses wrong options when it is built', () => {
    expect(() => requireFeature(42 as never)).toThrow(TypeError);
    expect(() => requireFeature('has space' as never)).toThrow(
      expect.objectContaining({ code: 'HANOI_INVALID_ARGUMENT' }),
    );
    expect(() => requireFeature('beta', { status: 302 })).toThrow(/400 to 599/);
    expect(() => requireFeature('beta', { onDenied: 'nope' as never })).toThrow(/onDenied must be a function/);
    expect(() => requireFeature('beta', { rollout: {} as never })).toThrow(/rollout must be a Rollout/);
  });
});
