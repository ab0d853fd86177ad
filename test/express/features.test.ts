import { MemoryBackend, Rollout, type Backend, type FeatureName } from '@hanoi/core';
import { features } from '@hanoi/express';
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { EXPRESS_VERSIONS, independentBucket, recordingLogger, watchUnhandled } from '../support/http-frameworks';

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

describe.each(EXPRESS_VERSIONS)('features() on %s', (_label, express) => {
  function app(rollout: Rollout<FeatureName>, options: Partial<Parameters<typeof features>[0]> = {}) {
    const server = express();
    // A stand-in for the auth layer: in an application this is Passport or a session.
    server.use((req, _res, next) => {
      const id = req.header('x-test-user');
      if (id !== undefined) (req as { user?: { id: string } }).user = { id };
      next();
    });
    server.use(features({ rollout, ...options }));
    server.get('/', async (req, res) => {
      res.json({
        user: req.features.userId ?? null,
        enabled: [...req.features.enabled()].sort(),
        checkout: req.features.isEnabled('checkout'),
        variant: req.features.variant('cdc_on') ?? null,
        current: rollout.getCurrentId() ?? null,
        service: await rollout.isEnabled('beta'),
      });
    });
    server.use((err: Error & { code?: string }, _req: Request, res: Response, _next: NextFunction) => {
      res.status(500).json({ handledBy: 'app', message: err.message, code: err.code ?? null });
    });
    return server;
  }

  it('gives each user their answers, from req.user.id by default', async () => {
    const rollout = await makeRollout();
    const server = app(rollout);
    const alice = await request(server).get('/').set('x-test-user', 'alice').expect(200);
    expect(alice.body).toMatchObject({ user: 'alice', current: 'alice', service: true });
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
    const rollout = await makeRollout();
    const server = app(rollout);
    for (let i = 0; i < 40; i += 1) {
      const id = `user-${i}`;
      const res = await request(server).get('/').set('x-test-user', id).expect(200);
      expect(res.body.checkout).toBe(independentBucket(id) < 30);
    }
  });

  it('treats a request without a user as anonymous, and reads no header unless told to', async () => {
    const rollout = await makeRollout();
    const res = await request(app(rollout)).get('/').set('x-user-id', 'alice').expect(200);
    expect(res.body).toEqual({
      user: null,
      enabled: ['cdc_on', 'everyone'],
      checkout: false,
      variant: null,
      current: null,
      service: false,
    });
  });

  it('takes a sync or async resolver the app gives', async () => {
    const rollout = await makeRollout();
    const sync = app(rollout, { user: (req) => req.header('x-user-id') });
    expect((await request(sync).get('/').set('x-user-id', 'alice')).body.user).toBe('alice');
    const numeric = app(rollout, { user: () => 42 });
    expect((await request(numeric).get('/')).body.user).toBe('42');
    const later = app(rollout, { user: async (req) => `async-${req.header('x-user-id')}` });
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
    const rollout = await makeRollout();
    const logger = recordingLogger();
    const server = app(rollout, { user: () => bad as never, logger });
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
  ])("sends a resolver that %s to the app's error handler, and the process stays up", async (_how, user) => {
    const watch = watchUnhandled();
    try {
      const rollout = await makeRollout();
      const server = app(rollout, { user: user as never });
      const res = await request(server).get('/').expect(500);
      expect(res.body).toEqual({ handledBy: 'app', message: 'session store down', code: null });
      const healthy = await request(app(rollout)).get('/').set('x-test-user', 'alice').expect(200);
      expect(healthy.body.user).toBe('alice');
      await new Promise((resolve) => setImmediate(resolve));
      expect(watch.reasons).toEqual([]);
    } finally {
      watch.stop();
    }
  });

  it('sends a backend that fails while working the answers out to the error handler', async () => {
    const watch = watchUnhandled();
    try {
      const backend = new MemoryBackend();
      const rollout = new Rollout<FeatureName>(backend);
      await rollout.addFunc('beta', { percentage: 10 });
      // The fault: a backend whose own bookkeeping throws while the answers are worked out.
      (backend as Backend).lookupUser = () => Promise.resolve(new Set<string>());
      backend.knownNames = () => {
        throw new Error('store gone');
      };
      const res = await request(app(rollout)).get('/').set('x-test-user', 'alice').expect(500);
      expect(res.body).toMatchObject({ handledBy: 'app', message: 'store gone' });
      expect(watch.reasons).toEqual([]);
    } finally {
      watch.stop();
    }
  });

  it('answers from what is known when the store lookup rejects (a check never fails a request)', async () => {
    const backend = new MemoryBackend();
    const logger = recordingLogger();
    const rollout = new Rollout<FeatureName>(backend, { logger });
    await rollout.addFunc('everyone', { percentage: 100 });
    (backend as Backend).lookupUser = () => Promise.reject(new Error('store gone'));
    const res = await request(app(rollout)).get('/').set('x-test-user', 'alice').expect(200);
    expect(res.body).toMatchObject({ user: 'alice', enabled: ['everyone'] });
  });

  it('refuses wrong options when it is built, not on the first request', () => {
    const rollout = new Rollout();
    expect(() => features(undefined as never)).toThrow(TypeError);
    expect(() => features({} as never)).toThrow(/rollout must be a Rollout/);
    expect(() => features({ rollout: {} as never })).toThrow(TypeError);
    expect(() => features({ rollout, user: 'x-user-id' as never })).toThrow(/user must be a function/);
    expect(() => features({ rollout, logger: {} as never })).toThrow(/logger must have warn\(\) and error\(\)/);
  });
});
