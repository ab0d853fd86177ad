/**
 * The history section on a real Rollout (MemoryBackend, and Redis below):
 * writes made through the page are recorded with the signed-in actor and
 * source 'admin'; the feature page shows who, when, what, before → after and
 * why; a revert is a CSRF-checked POST; a conflict is explained in words with
 * a "Revert anyway" button; read-only mode shows the history and no button.
 */
import { MemoryBackend, Rollout } from '@hanoi/core';
import { ADMIN_FRAMEWORKS, postForm, startAdminApp, tokenFor, tokenIn, type AdminApp } from '../support/admin-apps';
import { startRedisRollout, type RedisRollout } from '../support/http-redis';

const get = (app: AdminApp, path: string) => app.agent.get(path).set('x-user-id', 'staff-1');

describe.each(ADMIN_FRAMEWORKS.filter(([name]) => name === 'Express 5' || name === 'Koa 3'))(
  'the history section on %s',
  (_name, maker) => {
    let app: AdminApp;
    let rollout: Rollout;
    beforeEach(async () => {
      rollout = new Rollout(new MemoryBackend(), { actor: 'deploy-bot' });
      await rollout.as({ reason: 'launch plan' }).addFunc('beta', { percentage: 25 });
      app = await startAdminApp(maker, {}, rollout);
    });
    afterEach(() => app.close());

    it('records every write of the page with the signed-in actor and source admin', async () => {
      const token = await tokenFor(app, 'staff-1');
      await postForm(app, '/flags/features/beta/percentage', { _csrf: token, percentage: '40' });
      await postForm(app, '/flags/features/beta/add-users', { _csrf: token, users: 'alice\nbob' });
      await postForm(app, '/flags/features/beta/switch', { _csrf: token, enabled: 'false' });
      await postForm(app, '/flags/new', { _csrf: token, name: 'gamma', percentage: '5', enabled: 'on' });
      await postForm(app, '/flags/features/gamma/delete', { _csrf: token, confirm: 'gamma' });
      const entries = await rollout.history();
      expect(entries.map((e) => [e.feature, e.action])).toEqual([
        ['gamma', 'remove'],
        ['gamma', 'create'],
        ['beta', 'update'],
        ['beta', 'register'],
        ['beta', 'update'],
        ['beta', 'create'],
      ]);
      for (const entry of entries.slice(0, 5)) expect(entry).toMatchObject({ actor: 'staff-1', source: 'admin' });
      expect(entries[5]).toMatchObject({ actor: 'deploy-bot', source: 'api', reason: 'launch plan' });
      // The Rollout the app was given still writes as itself.
      await rollout.enable('beta');
      expect((await rollout.history({ limit: 1 }))[0]).toMatchObject({ actor: 'deploy-bot', source: 'api' });
    });

    it('shows who, when, what and before → after, and reverts an entry as the signed-in actor', async () => {
      const token = await tokenFor(app, 'staff-1');
      await postForm(app, '/flags/features/beta/percentage', { _csrf: token, percentage: '40' });
      const [change] = await rollout.history({ feature: 'beta', limit: 1 });
      const page = (await get(app, '/flags/features/beta').expect(200)).text;
      expect(page).toContain('<h2 id="history-heading">History</h2>');
      expect(page).toContain(`${new Date(change!.at).toISOString().slice(0, 19).replace('T', ' ')} UTC`);
      expect(page).toMatch(/staff-1 <span class="muted">\(admin\)<\/span>/);
      expect(page).toMatch(/deploy-bot <span class="muted">\(api\)<\/span>/);
      expect(page).toContain('percentage 25% → 40%');
      expect(page).toContain('created: on, 25%');
      expect(page).toContain('“launch plan”');
      expect(page).toContain(`name="entry" value="${change!.id}"`);

      // Without its CSRF token a revert is refused and nothing is written.
      const forged = await postForm(app, '/flags/features/beta/revert', { entry: change!.id });
      expect(forged.status).toBe(403);
      expect(await rollout.history({ feature: 'beta' })).toHaveLength(2);

      const reverted = await postForm(app, '/flags/features/beta/revert', { _csrf: token, entry: change!.id });
      expect([reverted.status, reverted.headers.location]).toEqual([303, '/flags/features/beta?saved=revert']);
      expect(rollout.peek('beta')!.percentage).toBe(25);
      const [revert] = await rollout.history({ feature: 'beta', limit: 1 });
      expect(revert).toMatchObject({ action: 'revert', reverts: change!.id, actor: 'staff-1', source: 'admin' });
      const after = (await get(app, '/flags/features/beta?saved=revert').expect(200)).text;
      expect(after).toContain('The change is reverted.');
      expect(after).toContain(`revert of ${change!.id}`);
    });

    it('explains a conflict in words and offers to revert anyway', async () => {
      const token = await tokenFor(app, 'staff-1');
      await postForm(app, '/flags/features/beta/percentage', { _csrf: token, percentage: '40' });
      const [mistake] = await rollout.history({ feature: 'beta', limit: 1 });
      await rollout.disable('beta');
      const conflict = await postForm(app, '/flags/features/beta/revert', { _csrf: token, entry: mistake!.id });
      expect(conflict.status).toBe(400);
      expect(conflict.text).toContain('“beta” has changed since the change of');
      expect(conflict.text).toContain('Nothing was changed.');
      expect(conflict.text).toMatch(
        new RegExp(`name="entry" value="${mistake!.id}" /><input type="hidden" name="force" value="true" />`),
      );
      expect(conflict.text).toMatch(/>\s*Revert anyway\s*<\/button>/);
      expect(rollout.peek('beta')).toMatchObject({ percentage: 40, enabled: false });

      const forced = await postForm(app, '/flags/features/beta/revert', {
        _csrf: tokenIn(conflict.text),
        entry: mistake!.id,
        force: 'true',
      });
      expect(forced.status).toBe(303);
      expect(rollout.peek('beta')).toMatchObject({ percentage: 25, enabled: false });
      expect((await rollout.history({ feature: 'beta', limit: 1 }))[0]).toMatchObject({
        action: 'revert',
        actor: 'staff-1',
        source: 'admin',
      });
    });

    it('reverts only entries of the feature it is posted to; reverting the creation deletes the feature', async () => {
      await rollout.addFunc('other');
      const [other] = await rollout.history({ feature: 'other', limit: 1 });
      const token = await tokenFor(app, 'staff-1');
      const wrong = await postForm(app, '/flags/features/beta/revert', { _csrf: token, entry: other!.id });
      expect(wrong.status).toBe(400);
      expect(wrong.text).toContain('This feature has no such change');
      const unknown = await postForm(app, '/flags/features/beta/revert', { _csrf: token, entry: '' });
      expect(unknown.text).toContain('Choose a change to revert.');

      const gone = await postForm(app, '/flags/features/other/revert', { _csrf: token, entry: other!.id });
      expect([gone.status, gone.headers.location]).toEqual([303, '/flags/?deleted=other']);
      expect(rollout.peek('other')).toBeUndefined();
    });

    it('pages the history, 20 entries at a time', async () => {
      for (let p = 1; p <= 25; p++) await rollout.setPercentage('beta', p);
      const first = (await get(app, '/flags/features/beta').expect(200)).text;
      expect(first).toContain('percentage 24% → 25%');
      expect(first).not.toContain('percentage 4% → 5%');
      const older = /href="([^"]*history_before=[^"#]+)#history-heading"/.exec(first)![1]!.replace(/&amp;/g, '&');
      const second = (await get(app, older).expect(200)).text;
      expect(second).toContain('percentage 4% → 5%');
      expect(second).toContain('created: on, 25%');
      const bad = await get(app, '/flags/features/beta?history_before=').expect(200);
      expect(bad.text).toContain('percentage 24% → 25%');
    });

    it('shows the history in read-only mode, with no revert, and refuses a revert', async () => {
      await rollout.setPercentage('beta', 30);
      const readOnly = await startAdminApp(maker, { readOnly: true }, rollout);
      try {
        const page = (await get(readOnly, '/flags/features/beta').expect(200)).text;
        expect(page).toContain('History');
        expect(page).toContain('percentage 25% → 30%');
        expect(page).not.toContain('Revert');
        const [entry] = await rollout.history({ limit: 1 });
        const refused = await postForm(readOnly, '/flags/features/beta/revert', { entry: entry!.id });
        expect(refused.status).toBe(403);
        expect(rollout.peek('beta')!.percentage).toBe(30);
      } finally {
        await readOnly.close();
      }
    });
  },
);

describe('the history section on Redis (RedisHighPerfBackend)', () => {
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

  it('records the admin actor in the store and reverts through it', async () => {
    const token = await tokenFor(app, 'staff-2', '/flags/features/beta');
    const set = await postForm(
      app,
      '/flags/features/beta/percentage',
      { _csrf: token, percentage: '15' },
      {
        'x-user-id': 'staff-2',
      },
    );
    expect(set.status).toBe(303);
    const [change] = await redis.rollout.history({ feature: 'beta', limit: 1 });
    expect(change).toMatchObject({ action: 'update', actor: 'staff-2', source: 'admin', after: { percentage: 15 } });
    const page = (await app.agent.get('/flags/features/beta').set('x-user-id', 'staff-2').expect(200)).text;
    expect(page).toMatch(/staff-2 <span class="muted">\(admin\)<\/span>/);
    expect(page).toContain('→ 15%');

    const reverted = await postForm(
      app,
      '/flags/features/beta/revert',
      { _csrf: token, entry: change!.id },
      {
        'x-user-id': 'staff-2',
      },
    );
    expect(reverted.status).toBe(303);
    expect((await redis.rollout.getFunc('beta'))!.percentage).toBe(change!.before!.percentage);
    expect((await redis.rollout.history({ feature: 'beta', limit: 1 }))[0]).toMatchObject({
      action: 'revert',
      reverts: change!.id,
      actor: 'staff-2',
      source: 'admin',
    });
  });
});
