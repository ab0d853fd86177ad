import request from 'supertest';
import { independentBucket } from '../../test/support/http-frameworks';
import { createApp } from './app';

// Golden variants for the 'checkout' experiment split red/green/blue
// (test/fixtures/variant-vectors.json, computed outside this code base).
const vectors = require('../../test/fixtures/variant-vectors.json') as {
  cases: { feature: string; userId: string; variants: { name: string }[]; variant: string }[];
};
const golden = vectors.cases.filter(
  (c) =>
    c.feature === 'checkout' &&
    c.variants.map((v) => v.name).join() === 'red,green,blue' &&
    /^[\x21-\x7e]+$/.test(c.userId), // ids that fit in an HTTP header as they are
);

describe('examples/express', () => {
  let app: Awaited<ReturnType<typeof createApp>>;
  beforeAll(async () => {
    app = await createApp();
  });

  it('GET / lists the features on for the user', async () => {
    await request(app)
      .get('/')
      .expect(200, { user: null, features: ['checkout'] });
    const alice = await request(app).get('/').set('x-user-id', 'alice').expect(200);
    expect(alice.body.user).toBe('alice');
    expect(alice.body.features).toEqual(expect.arrayContaining(['beta_dashboard', 'checkout']));
    expect(alice.body.features).not.toContain('staff_tools');
  });

  it('GET /search follows the 30% rollout', async () => {
    for (const id of ['alice', 'bob', '443301', '444401', '447568110000', 'u-1', 'u-2', 'u-3']) {
      const res = await request(app).get('/search').set('x-user-id', id).expect(200);
      expect([id, res.body.engine]).toEqual([id, independentBucket(id) < 30 ? 'new' : 'classic']);
    }
    await request(app).get('/search').expect(200, { engine: 'classic' });
  });

  it('GET /openfeature/search reads the same 30% rollout through OpenFeature, for the request user', async () => {
    for (const id of ['alice', 'bob', '443301', '444401', 'u-1', 'u-2']) {
      const res = await request(app).get('/openfeature/search').set('x-user-id', id).expect(200);
      expect([id, res.body.engine]).toEqual([id, independentBucket(id) < 30 ? 'new' : 'classic']);
    }
    await request(app).get('/openfeature/search').expect(200, { engine: 'classic' });
  });

  it('GET /dashboard is there for listed users and, for others, answers as an unknown path', async () => {
    await request(app).get('/dashboard').set('x-user-id', 'bob').expect(200, { dashboard: 'beta', user: 'bob' });
    const denied = await request(app).get('/dashboard').set('x-user-id', 'carol');
    const unknown = await request(app).get('/nowhere').set('x-user-id', 'carol');
    expect([denied.status, denied.headers['content-type'], denied.text]).toEqual([
      unknown.status,
      unknown.headers['content-type'],
      unknown.text,
    ]);
    expect(denied.status).toBe(404);
  });

  it('GET /staff lets /^staff-/ users in and answers 403 to others', async () => {
    await request(app)
      .get('/staff')
      .set('x-user-id', 'staff-42')
      .expect(200, { tools: ['refunds', 'impersonate'] });
    await request(app).get('/staff').set('x-user-id', 'alice').expect(403, 'Forbidden');
    await request(app).get('/staff').set('x-user-id', 'my-staff-1').expect(403);
  });

  it('GET /checkout gives each user their variant, every time', async () => {
    expect(golden.length).toBeGreaterThan(0);
    for (const { userId, variant } of golden) {
      for (let i = 0; i < 2; i += 1) {
        await request(app).get('/checkout').set('x-user-id', userId).expect(200, { button: variant });
      }
    }
    await request(app).get('/checkout').expect(200, { button: 'grey' });
  });

  it('GET /recommendations comes from a service that reads the current user itself', async () => {
    const users = ['alice', 'bob', 'u-1', 'u-2', 'u-3', 'u-4', 'u-5', 'u-6'];
    const responses = await Promise.all(users.map((id) => request(app).get('/recommendations').set('x-user-id', id)));
    for (const [i, res] of responses.entries()) {
      const personal = independentBucket(users[i]!) < 50;
      expect(res.body).toEqual({
        for: users[i],
        items: personal ? ['picked for you', 'because you viewed X'] : ['bestsellers'],
      });
    }
    await request(app)
      .get('/recommendations')
      .expect(200, { for: null, items: ['bestsellers'] });
  });

  it('GET /flags is the admin page, for staff-* users signed in by header or by /sign-in', async () => {
    await request(app).get('/flags').expect(403);
    await request(app).get('/flags').set('x-user-id', 'alice').expect(403);
    const page = await request(app).get('/flags').set('x-user-id', 'staff-1').expect(200);
    expect(page.text).toContain('href="/flags/features/new_search"');
    const signIn = await request(app).get('/sign-in?as=staff-2').expect(302);
    expect(signIn.headers.location).toBe('/flags');
    const cookie = signIn.headers['set-cookie']![0]!.split(';')[0]!;
    expect(cookie).toBe('user=staff-2');
    const signedIn = await request(app).get('/flags/').set('cookie', cookie).expect(200);
    expect(signedIn.text).toContain('Signed in as <strong>staff-2</strong>');
  });

  it('GET /sign-in signs in one plain id only: a repeated, nested or malformed `as` signs out', async () => {
    for (const query of ['as=staff-2&as=staff-3', 'as[id]=staff-2', 'as=staff%202', '']) {
      const res = await request(app).get(`/sign-in?${query}`).expect(302);
      expect([query, res.headers['set-cookie']![0]!.split(';')[0]]).toEqual([query, 'user=']);
    }
  });
});
