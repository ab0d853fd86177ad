import Router from '@koa/router';
import { MemoryBackend, Rollout, type Backend, type FeatureName } from '@hanoi/core';
import { features } from '@hanoi/koa';
import type { Context, Next } from 'koa';
import request from 'supertest';
import {
  independentBucket,
  KOA_VERSIONS,
  recordingLogger,
  watchUnhandled,
  type KoaModule,
} from '../support/http-frameworks';

const vectors = require('../fixtures/variant-vectors.json') as {
  cases: { feature: string; userId: string; variants: { name: string; weight: number }[]; variant: string }[];
};
const vector = vectors.cases.find((c) => c.feature === 'cdc_on')!;

async function makeRollout(): Promise<Rollout<FeatureName>> {
  const rollout = new Rollout<FeatureName>(new MemoryBackend());
  await rollout.addFunc('everyone', { percentage: 100 });
  await rollout.addFunc('beta', { percentage: 0 });
  await rollout.register('beta', 'alice');
  await rollout.addFunc('checkout', { percentage: 30 });
  await rollout.addFunc('admin_tools', { percentage: 0 });
  await rollout.register('admin_tools', /^staff-/);
  await rollout.addFunc('hidden', { percentage: 100, enabled: false });
  await rollout.addFunc('cdc_on', { percentage: 100, variants: vector.variants });
  return rollout;
}

describe.each(KOA_VERSIONS)('features() on %s', (_label, Koa: KoaModule) => {
  function app(rollout: Rollout<FeatureName>, options: Partial<Parameters<typeof features>[0]> = {}) {
    const server = new Koa();
    // The app's error handler, upstream of everything.
    server.use(async (ctx: Context, next: Next) => {
      try {
        await next();
      } catch (err) {
        ctx.status = 500;
        ctx.body = { handledBy: 'app', message: (err as Error).message };
      }
    });
    // A stand-in for the auth layer: in an application this is koa-passport or a session.
    server.use(async (ctx: Context, next: Next) => {
      const id = ctx.get('x-test-user');
      if (id) ctx.state.user = { id };
      await next();
    });
    server.use(features({ rollout, ...options }));
    const router = new Router();
    router.get('/', async (ctx) => {
      ctx.body = {
        user: ctx.features.userId ?? null,
        sameOnState: ctx.state.features === ctx.features,
        enabled: [...ctx.features.enabled()].sort(),
        checkout: ctx.features.isEnabled('checkout'),
        variant: ctx.features.variant('cdc_on') ?? null,
        current: rollout.getCurrentId() ?? null,
        service: await rollout.isEnabled('beta'),
      };
    });
    server.use(router.routes());
    return server.callback();
  }

  it('gives each user their answers, from ctx.state.user.id by default', async () => {
    const rollout = await makeRollout();
    const server = app(rollout);
    const alice = await request(server).get('/').set('x-test-user', 'alice').expect(200);
    expect(alice.body).toMatchObject({ user: 'alice', current: 'alice', service: true, sameOnState: true });
    expect(alice.body.enabled).toEqual(expect.arrayContaining(['beta', 'cdc_on', 'everyone']));
    expect(alice.body.enabled).not.toContain('hidden');
    expect(alice.body.checkout).toBe(independentBucket('alice') < 30);

    const staff = await request(server).get('/').set('x-test-user', 'staff-7').expect(200);
    expect(staff.body.enabled).toContain('admin_tools');
    expect(staff.body.service).toBe(false);

    const varied = await request(server).get('/').set('x-test-user', vector.userId).expect(200);
    expect(varied.body.variant).toBe(vector.variant);
  });

  it('agrees with the spec on percentages for many users', async () => {
    const server = app(await makeRollout());
    for (let i = 0; i < 40; i += 1) {
      const id = `user-${i}`;
      const res = await request(server).get('/').set('x-test-user', id).expect(200);
      expect(res.body.checkout).toBe(independentBucket(id) < 30);
    }
  });

  it('treats a request without a user as anonymous, and reads no header unless told to', async () => {
    const res = await request(app(await makeRollout()))
      .get('/')
      .set('x-user-id', 'alice')
      .expect(200);
    expect(res.body).toEqual({
      user: null,
      sameOnState: true,
      enabled: ['cdc_on', 'everyone'],
      checkout: false,
      variant: null,
      current: null,
      service: false,
    });
  });

  it('takes a sync or async resolver the app gives', async () => {
    const rollout = await makeRollout();
    const sync = app(rollout, { user: (ctx) => ctx.get('x-user-id') || undefined });
    expect((await request(sync).get('/').set('x-user-id', 'alice')).body.user).toBe('alice');
    expect((await request(app(rollout, { user: () => 42 })).get('/')).body.user).toBe('42');
    const later = app(rollout, { user: async (ctx) => `async-${ctx.get('x-user-id')}` });
    expect((await request(later).get('/').set('x-user-id', 'bob')).body).toMatchObject({
      user: 'async-bob',
      current: 'async-bob',
    });
  });

  it.each([
    ['NaN', Number.NaN],
    ['a context whose id is an object', { id: { name: 'alice' } }],
    ['513 characters', 'x'.repeat(513)],
    ['an empty string', ''],
  ])('treats %s as anonymous and warns once', async (_what, bad) => {
    const logger = recordingLogger();
    const server = app(await makeRollout(), { user: () => bad as never, logger });
    for (let i = 0; i < 3; i += 1) {
      const res = await request(server).get('/').expect(200);
      expect(res.body).toMatchObject({ user: null, enabled: ['cdc_on', 'everyone'] });
    }
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toContain('HANOI_INVALID_USER_ID');
  });

  it.each([
    [
      'throws',
      () => {
        throw new Error('session store down');
      },
    ],
    ['rejects', () => Promise.reject(new Error('session store down'))],
  ])("sends a resolver that %s into Koa's error flow, and the process stays up", async (_how, user) => {
    const watch = watchUnhandled();
    try {
      const rollout = await makeRollout();
      const res = await request(app(rollout, { user: user as never }))
        .get('/')
        .expect(500);
      expect(res.body).toEqual({ handledBy: 'app', message: 'session store down' });
      const healthy = await request(app(rollout)).get('/').set('x-test-user', 'alice').expect(200);
      expect(healthy.body.user).toBe('alice');
      await new Promise((resolve) => setImmediate(resolve));
      expect(watch.reasons).toEqual([]);
    } finally {
      watch.stop();
    }
  });

  it('sends a backend that fails while working the answers out into the error flow', async () => {
    const backend = new MemoryBackend();
    const rollout = new Rollout<FeatureName>(backend);
    await rollout.addFunc('beta', { percentage: 10 });
    // The fault: a backend whose own bookkeeping throws while the answers are worked out.
    (backend as Backend).lookupUser = () => Promise.resolve(new Set<string>());
    backend.knownNames = () => {
      throw new Error('store gone');
    };
    const res = await request(app(rollout)).get('/').set('x-test-user', 'alice').expect(500);
    expect(res.body).toEqual({ handledBy: 'app', message: 'store gone' });
  });

  it('answers from what is known when the store lookup rejects (a check never fails a request)', async () => {
    const backend = new MemoryBackend();
    const rollout = new Rollout<FeatureName>(backend, { logger: recordingLogger() });
    await rollout.addFunc('everyone', { percentage: 100 });
    (backend as Backend).lookupUser = () => Promise.reject(new Error('store gone'));
    const res = await request(app(rollout)).get('/').set('x-test-user', 'alice').expect(200);
    expect(res.body).toMatchObject({ user: 'alice', enabled: ['everyone'] });
  });

  it('refuses wrong options when it is built, not on the first request', () => {
    const rollout = new Rollout();
    expect(() => features(undefined as never)).toThrow(TypeError);
    expect(() => features({} as never)).toThrow(/rollout must be a Rollout/);
    expect(() => features({ rollout, user: 'x-user-id' as never })).toThrow(/user must be a function/);
    expect(() => features({ rollout, logger: console.log as never })).toThrow(
      /logger must have warn\(\) and error\(\)/,
    );
  });
});
