/**
 * A denied guard fails closed (docs/SPEC.md, "A guard fails closed"): in every
 * way an app can mount it, no later handler, route or router runs for the
 * request, and the answer is Express's own not-found page (or the app's, named
 * once in `features({ notFound })`), never one a later route gives.
 */
import { MemoryBackend, Rollout, type FeatureName } from '@hanoi/core';
import { features, requireFeature, type NotFoundHandler, type RequireFeatureOptions } from '@hanoi/express';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import request from 'supertest';
import { makeGuardedRollout, seenWhole } from '../support/guard-fixtures';
import { EXPRESS_VERSIONS, type ExpressModule, recordingLogger } from '../support/http-frameworks';

/** Stand-in auth: the test names the user in a header; a real app has its auth layer here. */
function auth(req: Request, _res: Response, next: NextFunction): void {
  const id = req.header('x-test-user');
  if (id !== undefined) (req as { user?: { id: string } }).user = { id };
  next();
}

/** Counts the handlers a denied request must never reach. */
class Hits {
  readonly calls: string[] = [];
  handler(label: string): RequestHandler {
    return (_req, res) => {
      this.calls.push(label);
      res.send(label);
    };
  }
}

/** Every path under /admin, as each major writes it. */
function prefixOf(version: string): string {
  return version === 'Express 4' ? '/admin/*' : '/admin/*rest';
}

interface Idiom {
  readonly name: string;
  /** Whether the guard stands in front of every method (a route-level guard guards its route's method). */
  readonly everyMethod: boolean;
  /** Mounts `guard` and the handlers it protects under /admin; `/admin/users` is a protected path. */
  mount(app: Express, express: ExpressModule, guard: RequestHandler, hits: Hits, version: string): void;
}

const IDIOMS: Idiom[] = [
  {
    name: 'a route-level guard, with a route on the same path and a catch-all after it',
    everyMethod: false,
    mount(app, _express, guard, hits) {
      app.get('/admin/users', guard, hits.handler('the users'));
      app.get('/admin/users', hits.handler('a later route'));
      app.use(hits.handler('the catch-all'));
    },
  },
  {
    name: "a prefix guard with app.all (Express 4 '/admin/*', Express 5 '/admin/*rest')",
    everyMethod: true,
    mount(app, _express, guard, hits, version) {
      app.all(prefixOf(version), guard);
      app.get('/admin/users', hits.handler('the users'));
      app.post('/admin/users', hits.handler('a new user'));
      app.use(hits.handler('the catch-all'));
    },
  },
  {
    name: "a prefix guard with app.use('/admin', guard)",
    everyMethod: true,
    mount(app, _express, guard, hits) {
      app.use('/admin', guard);
      app.get('/admin/users', hits.handler('the users'));
      app.use(hits.handler('the catch-all'));
    },
  },
  {
    name: 'a guard on the whole app (app.use(guard))',
    everyMethod: true,
    mount(app, _express, guard, hits) {
      app.use(guard);
      app.get('/admin/users', hits.handler('the users'));
    },
  },
  {
    name: 'router.use(guard) on a mounted router, with app routes after it',
    everyMethod: true,
    mount(app, express, guard, hits) {
      const admin = express.Router();
      admin.use(guard);
      admin.get('/users', hits.handler('the users'));
      app.use('/admin', admin);
      app.get('/admin/users', hits.handler('an app route'));
      app.all('/admin/users', hits.handler('another app route'));
      app.use(hits.handler('the catch-all'));
    },
  },
  {
    name: 'nested routers, with routes after each',
    everyMethod: true,
    mount(app, express, guard, hits) {
      const outer = express.Router();
      const inner = express.Router();
      inner.use(guard);
      inner.get('/users', hits.handler('the users'));
      outer.use('/admin', inner);
      outer.get('/admin/users', hits.handler('an outer route'));
      app.use(outer);
      app.get('/admin/users', hits.handler('an app route'));
    },
  },
  {
    name: 'a guard route followed by another route on the same path',
    everyMethod: false,
    mount(app, _express, guard, hits) {
      app.get('/admin/users', guard);
      app.get('/admin/users', hits.handler('the users'));
    },
  },
  {
    name: 'a mounted sub-app guarding itself, with app routes after it',
    everyMethod: true,
    mount(app, express, guard, hits) {
      const sub = express();
      sub.use(guard);
      sub.get('/users', hits.handler('the users'));
      app.use('/admin', sub);
      app.get('/admin/users', hits.handler('an app route'));
    },
  },
];

describe.each(EXPRESS_VERSIONS)('a denied requireFeature() fails closed on %s', (version, express: ExpressModule) => {
  /** An app with auth and features(), its guard mounted the idiom's way. */
  async function build(idiom: Idiom, guardOptions: RequireFeatureOptions = {}, notFound?: NotFoundHandler) {
    const { rollout, backend } = await makeGuardedRollout();
    const hits = new Hits();
    const app = express();
    app.use(auth, features({ rollout, notFound }));
    idiom.mount(app, express, requireFeature('admin_tools', guardOptions), hits, version);
    return { app, hits, backend };
  }

  /** The same start of an app with nothing under /admin: what Express answers for a path it does not have. */
  function unknownPaths(): Express {
    const app = express();
    app.use(auth, features({ rollout: new Rollout<FeatureName>(new MemoryBackend()) }));
    return app;
  }

  describe.each(IDIOMS.map((idiom) => [idiom.name, idiom] as const))('%s', (_name, idiom) => {
    it("answers Express's own 404 for a path it does not have, and runs nothing after the guard", async () => {
      const { app, hits } = await build(idiom);
      for (const user of ['bob', undefined]) {
        const get = request(app).get('/admin/users');
        const denied = await (user ? get.set('x-test-user', user) : get);
        expect(denied.status).toBe(404);
        expect(denied.text).toContain('<pre>Cannot GET /admin/users</pre>');
        expect(seenWhole(denied)).toEqual(seenWhole(await request(unknownPaths()).get('/admin/users')));
      }
      if (idiom.everyMethod) {
        const posted = await request(app).post('/admin/users').set('x-test-user', 'bob');
        expect(seenWhole(posted)).toEqual(seenWhole(await request(unknownPaths()).post('/admin/users')));
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
      const onDenied = (req: Request, res: Response) => void res.status(402).json({ upgrade: req.originalUrl });
      const { app, hits } = await build(idiom, { onDenied });
      await request(app).get('/admin/users').set('x-test-user', 'bob').expect(402, { upgrade: '/admin/users' });
      expect(hits.calls).toEqual([]);
    });

    it('answers with the not-found answer the app names in features({ notFound })', async () => {
      const notFound = (req: Request, res: Response) => void res.status(404).json({ error: `no ${req.originalUrl}` });
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

  it('takes a notFound given to the guard itself over the one of features()', async () => {
    const { rollout } = await makeGuardedRollout();
    const hits = new Hits();
    const app = express();
    const appWide = (_req: Request, res: Response) => void res.status(404).send('app-wide');
    app.use(auth, features({ rollout, notFound: appWide }));
    const own = (_req: Request, res: Response) => void res.status(404).send('this guard');
    app.get('/a', requireFeature('admin_tools', { notFound: own }), hits.handler('a'));
    app.get('/b', requireFeature('admin_tools'), hits.handler('b'));
    app.use(hits.handler('the catch-all'));
    await request(app).get('/a').set('x-test-user', 'bob').expect(404, 'this guard');
    await request(app).get('/b').set('x-test-user', 'bob').expect(404, 'app-wide');
    expect(hits.calls).toEqual([]);
  });

  it('passes an error thrown by notFound to the error handlers, never to a later route', async () => {
    const { rollout } = await makeGuardedRollout();
    const hits = new Hits();
    const app = express();
    const notFound = () => {
      throw new Error('the 404 page broke');
    };
    app.use(auth, features({ rollout, notFound }));
    app.all(prefixOf(version), requireFeature('admin_tools'));
    app.get('/admin/users', hits.handler('the users'));
    app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => void res.status(500).send(err.message));
    await request(app).get('/admin/users').set('x-test-user', 'bob').expect(500, 'the 404 page broke');
    expect(hits.calls).toEqual([]);
  });

  it('refuses a notFound that is not a function when it is built', () => {
    const rollout = new Rollout<FeatureName>(new MemoryBackend());
    expect(() => features({ rollout, notFound: 404 as never })).toThrow(/notFound must be a function/);
    expect(() => requireFeature('admin_tools', { notFound: 'nope' as never })).toThrow(/notFound must be a function/);
  });
});
