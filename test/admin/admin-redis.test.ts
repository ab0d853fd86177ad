import { ADMIN_FRAMEWORKS, postForm, startAdminApp, tokenFor, type AdminApp } from '../support/admin-apps';
import { startRedisRollout, type RedisRollout } from '../support/http-redis';

// Users kept in Redis (RedisHighPerfBackend): the process does not hold them,
// so the list says "listed users" without reading them, and the feature page
// reads them with getFunc and pages them itself.
describe('the admin page on RedisHighPerfBackend', () => {
  let redis: RedisRollout;
  let app: AdminApp;
  beforeAll(async () => {
    redis = await startRedisRollout();
    const [, maker] = ADMIN_FRAMEWORKS.find(([name]) => name === 'Express 5')!;
    app = await startAdminApp(maker, {}, redis.rollout as never);
  });
  afterAll(async () => {
    await app?.close();
    await redis?.stop();
  });

  it('lists, pages and searches users kept in the store, and writes to it', async () => {
    const get = (path: string) => app.agent.get(path).set('x-user-id', 'staff-1').expect(200);
    const list = await get('/flags/');
    expect(list.text).toContain('on for listed users'); // 'beta' lists alice and carol, uncounted
    expect(list.text).toContain('on for everyone');

    const token = await tokenFor(app, 'staff-1');
    const ids = Array.from({ length: 75 }, (_, i) => `r-${String(i).padStart(2, '0')}`);
    const added = await postForm(app, '/flags/features/beta/add-users', { _csrf: token, users: ids.join('\n') });
    expect(added.status).toBe(303);
    const page = await get('/flags/features/beta');
    expect(page.text).toContain('77 listed users');
    expect(page.text).toContain('Page 1 of 2');
    const search = await get('/flags/features/beta?users_q=r-7');
    expect(search.text).toMatch(/5 listed users whose id contains\s*<code>r-7<\/code>/);

    await postForm(app, '/flags/features/beta/percentage', { _csrf: token, percentage: '15' });
    expect((await redis.rollout.getFunc('beta'))!.percentage).toBe(15);
    const why = await get('/flags/features/beta/explain?user=carol');
    expect(why.text).toContain('On: carol is a listed user.');
  });

  it('shows segments read-only, saying why, where the store cannot keep them', async () => {
    const get = (path: string) => app.agent.get(path).set('x-user-id', 'staff-1').expect(200);
    const why = 'RedisHighPerfBackend looks listed users up in the store';
    const list = (await get('/flags/segments')).text;
    expect(list).toContain(why);
    expect(list).not.toContain('href="/flags/new-segment"');
    const form = (await get('/flags/new-segment')).text;
    expect(form).toContain(why);
    expect(form).not.toContain('method="post"');
    const token = await tokenFor(app, 'staff-1');
    const refused = await postForm(app, '/flags/new-segment', { _csrf: token, name: 'testers', units: 'u1' });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain(why);
    // The store's own answer: core refuses segments here, so none was written either way.
    await expect(redis.rollout.defineSegment('probe', { users: ['u1'] })).rejects.toMatchObject({
      code: 'HANOI_UNSUPPORTED',
    });
    expect(await redis.rollout.listSegments()).toEqual([]);
  });
});
