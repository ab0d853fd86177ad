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
    // The store pages a search: it says what it shows, not a count it would have to read every id for.
    expect(search.text).toMatch(/Showing listed users whose id contains\s*<code>r-7<\/code>/);
    expect(search.text.match(/<code>r-7\d<\/code>/g)).toHaveLength(5);

    await postForm(app, '/flags/features/beta/percentage', { _csrf: token, percentage: '15' });
    expect((await redis.rollout.getFunc('beta'))!.percentage).toBe(15);
    const why = await get('/flags/features/beta/explain?user=carol');
    expect(why.text).toContain('On: carol is a listed user.');
  });

  it('creates a segment whose units stay in the store, and decides by it', async () => {
    const get = (path: string) => app.agent.get(path).set('x-user-id', 'staff-1').expect(200);
    const list = (await get('/flags/segments')).text;
    expect(list).toContain('href="/flags/new-segment"');
    const token = await tokenFor(app, 'staff-1');
    const created = await postForm(app, '/flags/new-segment', { _csrf: token, name: 'testers', units: 'u1\nu2' });
    expect(created.status).toBe(303);
    // Written to the store, as the store reads it back; the process holds no units.
    expect(await redis.rollout.getSegment('testers')).toEqual({
      name: 'testers',
      users: ['u1', 'u2'],
      constraints: [],
    });
    expect(redis.rollout.backend.peekSegment?.('testers')?.users).toBeUndefined();
    const page = (await get('/flags/segments/testers')).text;
    expect(page).toContain('<code>u1</code>');
    expect(page).toContain('<code>u2</code>');
    await redis.rollout.addFunc('checkout', { percentage: 0 });
    await redis.rollout.setRules('checkout', [{ constraints: [{ operator: 'IN_SEGMENT', values: ['testers'] }] }]);
    expect(await redis.rollout.isEnabled('checkout', 'u2')).toBe(true);
    expect(await redis.rollout.isEnabled('checkout', 'u3')).toBe(false);
  });
});
