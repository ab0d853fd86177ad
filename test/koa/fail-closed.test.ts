/**
 * A denied guard fails closed (docs/SPEC.md, "A guard fails closed"): in every
 * way an app can mount it, with @koa/router or as plain middleware, no later
 * middleware, route or router runs for the request, and the answer is Koa's
 * own 404 (or the app's, named once in `features({ notFound })`).
 */
import Router from '@koa/router';
import { MemoryBackend, Rollout, type FeatureName } from '@hanoi/core';
import { features, requireFeature, type NotFoundHandler, type RequireFeatureOptions } from '@hanoi/koa';
import type Koa from 'koa';
import type { Context, Middleware, Next } from 'koa';
import request from 'supertest';
import { makeGuardedRollout, seenWhole } from '../support/guard-fixtures';
import { KOA_VERSIONS, type KoaModule, recordingLogger } from '../support/http-frameworks';

/** Stand-in auth: the test names the user in a header; a real app has its auth layer here. */
async function auth(ctx: Context, next: Next): Promise<void> {
  const id = ctx.get('x-test-user');
  if (id) ctx.state.user = { id };
  await next();
}

/** Counts the handlers a denied request must never reach. */
class Hits {
  readonly calls: string[] = [];
  handler(label: string): Middleware {
    return (ctx: Context) => {
      this.calls.push(label);
      ctx.body = label;
    };
  }
}

interface Idiom {
  readonly name: string;
  /** Mounts `guard` and what it protects under /admin; `/admin/users` is a protected path. */
  mount(app: Koa, guard: Middleware, hits: Hits): void;
}

const IDIOMS: Idiom[] = [
  {
    name: 'a route-level guard, with a route on the same path and plain middleware after it',
    mount(app, guard, hits) {
      const router = new Router();
      router.get('/admin/users', guard, hits.handler('the users'));
      router.get('/admin/users', hits.handler('a later route'));
      app.use(router.routes()).use(router.allowedMethods());
      app.use(hits.handler('plain middleware'));
    },
  },
  {
    name: "a prefix guard with router.all('/admin/*rest')",
    mount(app, guard, hits) {
      const router = new Router();
      router.all('/admin/*rest', guard);
      router.get('/admin/users', hits.handler('the users'));
      app.use(router.routes());
      app.use(hits.handler('plain middleware'));
    },
  },
  {
    name: "router.use(guard) on a router with { prefix: '/admin' }, with plain middleware after it",
    mount(app, guard, hits) {
      const admin = new Router({ prefix: '/admin' });
      admin.use(guard);
      admin.get('/users', hits.handler('the users'));
      app.use(admin.routes());
      app.use(hits.handler('plain middleware'));
    },
  },
  {
    name: "router.use('/admin', guard) on a router, with another router after it",
    mount(app, guard, hits) {
      const first = new Router();
      first.use('/admin', guard);
      first.get('/admin/users', hits.handler('the users'));
      const second = new Router();
      second.get('/admin/users', hits.handler('a later router'));
      app.use(first.routes());
      app.use(second.routes());
    },
  },
  {
    name: 'nested routers, with routes and plain middleware after them',
    mount(app, guard, hits) {
      const parent = new Router();
      const child = new Router();
      child.use(guard);
      child.get('/users', hits.handler('the users'));
      parent.use('/admin', child.routes());
      parent.get('/admin/users', hits.handler('a parent route'));
      app.use(parent.routes());
      app.use(hits.handler('plain middleware'));
    },
  },
  {
    name: 'a guard route followed by another route on the same path',
    mount(app, guard, hits) {
      const router = new Router();
      router.get('/admin/users', guard);
      router.get('/admin/users', hits.handler('the users'));
      app.use(router.routes());
    },
  },
  {
    name: 'plain middleware: app.use(guard) before a router and more middleware',
    mount(app, guard, hits) {
      const router = new Router();
      router.get('/admin/users', hits.handler('the users'));
      app.use(guard);
      app.use(router.routes());
      app.use(hits.handler('plain middleware'));
    },
  },
];

describe.each(KOA_VERSIONS)('a denied requireFeature() fails closed on %s', (_version, Koa: KoaModule) => {
  /** An app with auth and features(), its guard mounted the idiom's way. */
  async function build(idiom: Idiom, guardOptions: RequireFeatureOptions = {}, notFound?: NotFoundHandler) {
    const { rollout, backend } = await makeGuardedRollout();
    const hits = new Hits();
    const app = new Koa();
    app.use(auth);
    app.use(features({ rollout, notFound }));
    idiom.mount(app, requireFeature('admin_tools', guardOptions), hits);
    return { app: app.callback(), hits, backend };
  }

  /** The same start of an app with nothing under /admin: what Koa answers for a path it does not have. */
  function unknownPaths() {
    const app = new Koa();
    app.use(auth);
    app.use(features({ rollout: new Rollout<FeatureName>(new MemoryBackend()) }));
    return app.callback();
  }

  describe.each(IDIOMS.map((idiom) => [idiom.name, idiom] as const))('%s', (_name, idiom) => {
    it("answers Koa's own 404 for a path it does not have, and runs nothing after the guard", async () => {
      const { app, hits } = await build(idiom);
      for (const user of ['bob', undefined]) {
        const get = request(app).get('/admin/users');
        const denied = await (user ? get.set('x-test-user', user) : get);
        expect(denied.status).toBe(404);
        expect(denied.text).toBe('Not Found');
        expect(seenWhole(denied)).toEqual(seenWhole(await request(unknownPaths()).get('/admin/users')));
      }
      const head = await request(app).head('/admin/users').set('x-test-user', 'bob');
      expect(seenWhole(head)).toEqual(seenWhole(await request(unknownPaths()).head('/admin/users')));
      expect(hits.calls).toEqual([]);

      // The same app lets a user with the feature through to the first handler after the guard.
      await request(app).get('/admin/users').set('x-test-user', 'staff-1').expect(200);
      expect(hits.calls).toHaveLength(1);
    });

    it('answers { status: 403 } with the standard message, and runs nothing after the guard', async () => {
      const { app, hits } = await build(idiom, { status: 403 });
      const res = await request(app).get('/admin/users').set('x-test-user', 'bob');
      expect({ status: res.status, type: res.type, body: res.text }).toEqual({
        status: 403,
        type: 'text/plain',
        body: 'Forbidden',
      });
      expect(hits.calls).toEqual([]);
    });

    it('hands a denied request to onDenied, and runs nothing after the guard', async () => {
      const onDenied = (ctx: Context) => {
        ctx.status = 402;
        ctx.body = { upgrade: ctx.originalUrl };
      };
      const { app, hits } = await build(idiom, { onDenied });
      await request(app).get('/admin/users').set('x-test-user', 'bob').expect(402, { upgrade: '/admin/users' });
      expect(hits.calls).toEqual([]);
    });

    it('answers with the not-found answer the app names in features({ notFound })', async () => {
      const notFound = (ctx: Context) => {
        ctx.status = 404;
        ctx.body = { error: `no ${ctx.originalUrl}` };
      };
      const { app, hits } = await build(idiom, {}, notFound);
      await request(app).get('/admin/users').set('x-test-user', 'bob').expect(404, { error: 'no /admin/users' });
      await request(app).get('/admin/users').expect(404, { error: 'no /admin/users' });
      expect(hits.calls).toEqual([]);
    });

    it('denies when it cannot decide (a store read that throws), and says so once per failure', async () => {
      const logger = recordingLogger();
      const { app, hits, backend } = await build(idiom, { logger });
      backend.broken = true;
      for (let i = 0; i < 2; i += 1) {
        const res = await request(app).get('/admin/users').set('x-test-user', 'staff-1');
        expect(seenWhole(res)).toEqual(seenWhole(await request(unknownPaths()).get('/admin/users')));
      }
      expect(hits.calls).toEqual([]);
      expect(logger.errors).toEqual([expect.stringContaining('HANOI_GUARD_UNDECIDED')]);
      // Once it can decide again it lets the user in, and a new failure is told again.
      backend.broken = false;
      await request(app).get('/admin/users').set('x-test-user', 'staff-1').expect(200);
      backend.broken = true;
      expect((await request(app).get('/admin/users').set('x-test-user', 'staff-1')).status).toBe(404);
      expect(hits.calls).toHaveLength(1);
      expect(logger.errors).toHaveLength(2);
    });
  });

  it('guards every method under a prefix with router.all, plain middleware after included', async () => {
    const { app, hits } = await build(IDIOMS[1]!);
    for (const method of ['post', 'put', 'delete'] as const) {
      const res = await request(app)[method]('/admin/anything').set('x-test-user', 'bob');
      expect(seenWhole(res)).toEqual(seenWhole(await request(unknownPaths())[method]('/admin/anything')));
    }
    expect(hits.calls).toEqual([]);
    await request(app).post('/admin/anything').set('x-test-user', 'staff-1').expect(200, 'plain middleware');
  });

  it('answers 404 even when middleware before it had set a body', async () => {
    const { rollout } = await makeGuardedRollout();
    const hits = new Hits();
    const app = new Koa();
    app.use(auth);
    app.use(async (ctx: Context, next: Next) => {
      ctx.body = { draft: 'filled in early' };
      await next();
    });
    app.use(features({ rollout }));
    app.use(requireFeature('admin_tools'));
    app.use(hits.handler('plain middleware'));
    const res = await request(app.callback()).get('/admin/users').set('x-test-user', 'bob');
    expect(seenWhole(res)).toEqual(seenWhole(await request(unknownPaths()).get('/admin/users')));
    expect(hits.calls).toEqual([]);
  });

  it('takes a notFound given to the guard itself over the one of features()', async () => {
    const { rollout } = await makeGuardedRollout();
    const hits = new Hits();
    const app = new Koa();
    app.use(auth);
    app.use(
      features({
        rollout,
        notFound: (ctx) => {
          ctx.status = 404;
          ctx.body = 'app-wide';
        },
      }),
    );
    const own = (ctx: Context) => {
      ctx.status = 404;
      ctx.body = 'this guard';
    };
    const router = new Router();
    router.get('/a', requireFeature('admin_tools', { notFound: own }), hits.handler('a'));
    router.get('/b', requireFeature('admin_tools'), hits.handler('b'));
    app.use(router.routes());
    app.use(hits.handler('plain middleware'));
    await request(app.callback()).get('/a').set('x-test-user', 'bob').expect(404, 'this guard');
    await request(app.callback()).get('/b').set('x-test-user', 'bob').expect(404, 'app-wide');
    expect(hits.calls).toEqual([]);
  });

  it('refuses a notFound that is not a function when it is built', () => {
    const rollout = new Rollout<FeatureName>(new MemoryBackend());
    expect(() => features({ rollout, notFound: 404 as never })).toThrow(/notFound must be a function/);
    expect(() => requireFeature('admin_tools', { notFound: 'nope' as never })).toThrow(/notFound must be a function/);
  });
});
