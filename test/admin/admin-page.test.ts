import { ADMIN_FRAMEWORKS, postForm, startAdminApp, tokenFor, tokenIn, type AdminApp } from '../support/admin-apps';
import { independentBucket } from '../support/http-frameworks';

// The CSP the admin page promises (docs/SPEC.md, "The admin page").
const CSP =
  "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'";

/** Markup with the whitespace between tags dropped and runs of it made one space. */
function squash(text: string): string {
  return text.replace(/>\s+</g, '><').replace(/\s+/g, ' ');
}

describe.each(ADMIN_FRAMEWORKS)('the admin page on %s', (_name, maker) => {
  let app: AdminApp;
  let token: string;
  beforeEach(async () => {
    app = await startAdminApp(maker);
    await app.rollout.addFunc('beta', { percentage: 25 });
    token = await tokenFor(app, 'staff-1');
  });
  afterEach(() => app.close());

  const get = (path: string, user = 'staff-1') => app.agent.get(path).set('x-user-id', user);

  describe('routes', () => {
    it.each([
      ['/flags', 200, 'text/html'],
      ['/flags/', 200, 'text/html'],
      ['/flags/?q=bet&page=1', 200, 'text/html'],
      ['/flags/admin.css', 200, 'text/css'],
      ['/flags/favicon.svg', 200, 'image/svg+xml'],
      ['/flags/new', 200, 'text/html'],
      ['/flags/features/beta', 200, 'text/html'],
      ['/flags/features/beta/explain', 200, 'text/html'],
      ['/flags/features/beta/explain?user=alice', 200, 'text/html'],
      ['/flags/features/beta/delete', 200, 'text/html'],
      ['/flags/features/missing', 404, 'text/html'],
      ['/flags/features/missing/explain?user=alice', 404, 'text/html'],
      ['/flags/features/missing/delete', 404, 'text/html'],
      ['/flags/features/%E0%A4%A', 404, 'text/html'],
      ['/flags/nowhere', 404, 'text/html'],
      ['/flags/features/beta/percentage', 405, 'text/html'],
    ])('GET %s answers %i (%s) with the CSP and no framing', async (path, status, type) => {
      const res = await get(path).expect(status);
      expect(res.headers['content-type']).toContain(type);
      expect(res.headers['content-security-policy']).toBe(CSP);
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('answers 405 with Allow to a method a page does not take', async () => {
      const put = await app.agent.put('/flags/').set('x-user-id', 'staff-1').expect(405);
      expect(put.headers.allow).toBe('GET, HEAD');
      const post = await postForm(app, '/flags/features/beta', { _csrf: token });
      expect([post.status, post.headers.allow]).toEqual([405, 'GET, HEAD']);
      const getAction = await get('/flags/features/beta/switch').expect(405);
      expect(getAction.headers.allow).toBe('POST');
    });

    it('answers HEAD like GET, without a body', async () => {
      const res = await app.agent.head('/flags/').set('x-user-id', 'staff-1').expect(200);
      expect(res.text ?? '').toBe('');
    });

    it('links to its pages below the mount point', async () => {
      const res = await get('/flags/');
      expect(res.text).toContain('href="/flags/features/beta"');
      expect(res.text).toContain('href="/flags/admin.css"');
      expect(res.text).toContain('href="/flags/new"');
    });

    it('answers 404 to an action no section offers', async () => {
      await postForm(app, '/flags/features/beta/nothing', { _csrf: token }).then((r) => expect(r.status).toBe(404));
    });
  });

  describe('authorization', () => {
    it.each([
      ['no one signed in', undefined],
      ['someone authorize refuses', 'alice'],
    ])('refuses every page and action to %s with 403', async (_who, user) => {
      for (const path of ['/flags/', '/flags/new', '/flags/features/beta', '/flags/nowhere']) {
        const req = app.agent.get(path);
        const res = await (user ? req.set('x-user-id', user) : req);
        expect([path, res.status]).toEqual([path, 403]);
        expect(res.text).not.toContain('beta');
        expect(res.text).not.toContain('_csrf');
      }
      const post = await postForm(
        app,
        '/flags/features/beta/percentage',
        { _csrf: token, percentage: '90' },
        {
          'x-user-id': user,
        },
      );
      expect(post.status).toBe(403);
      expect(app.rollout.peek('beta')!.percentage).toBe(25);
      // Only the stylesheet and icon, which hold no data, are served to anyone.
      const css = user ? app.agent.get('/flags/admin.css').set('x-user-id', user) : app.agent.get('/flags/admin.css');
      expect((await css).status).toBe(200);
      expect((await app.agent.post('/flags/admin.css')).status).toBe(403);
    });

    it('shows who is signed in', async () => {
      expect((await get('/flags/', 'staff-7')).text).toContain('Signed in as <strong>staff-7</strong>');
    });
  });

  describe('writes', () => {
    it('creates a feature and redirects to its page (303, Post/Redirect/Get)', async () => {
      const res = await postForm(app, '/flags/new', {
        _csrf: token,
        name: 'checkout',
        percentage: '10',
        enabled: 'on',
      });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/flags/features/checkout?saved=created');
      expect(await app.rollout.getFunc('checkout')).toMatchObject({ enabled: true, percentage: 10 });
      expect((await get(res.headers.location!)).text).toContain('The feature is created.');
    });

    it('creates a feature switched off when the box is not ticked', async () => {
      await postForm(app, '/flags/new', { _csrf: token, name: 'dark' }).then((r) => expect(r.status).toBe(303));
      expect(await app.rollout.getFunc('dark')).toMatchObject({ enabled: false, percentage: 0 });
    });

    it('refuses a name that exists, or an invalid one, in words beside the field', async () => {
      const dup = await postForm(app, '/flags/new', { _csrf: token, name: 'beta', percentage: '90' });
      expect(dup.status).toBe(400);
      expect(dup.text).toMatch(
        /aria-invalid="true"[^>]*>\s*<p class="error" id="name-error" role="alert">A feature named &quot;beta&quot; exists already\./,
      );
      expect(app.rollout.peek('beta')!.percentage).toBe(25);
      const bad = await postForm(app, '/flags/new', { _csrf: token, name: 'has space' });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('id="name-error"');
      expect(bad.text).toContain('no whitespace');
      expect(bad.text).toContain('value="has space"');
      expect(await app.rollout.listFuncs()).toEqual(['beta']);
    });

    it('sets the percentage, and refuses 101, 50.5 and words', async () => {
      const ok = await postForm(app, '/flags/features/beta/percentage', { _csrf: token, percentage: '40' });
      expect([ok.status, ok.headers.location]).toEqual([303, '/flags/features/beta?saved=percentage']);
      expect(app.rollout.peek('beta')!.percentage).toBe(40);
      for (const percentage of ['101', '50.5', 'half', '-1', '']) {
        const res = await postForm(app, '/flags/features/beta/percentage', { _csrf: token, percentage });
        expect([percentage, res.status]).toEqual([percentage, 400]);
        expect(res.text).toContain(
          '<p class="error" id="percentage-error" role="alert">Enter a whole number from 0 to 100.</p>',
        );
        expect(app.rollout.peek('beta')!.percentage).toBe(40);
      }
    });

    it('switches off and on', async () => {
      await postForm(app, '/flags/features/beta/switch', { _csrf: token, enabled: 'false' });
      expect(app.rollout.peek('beta')!.enabled).toBe(false);
      expect((await get('/flags/features/beta')).text).toContain('Switch on');
      await postForm(app, '/flags/features/beta/switch', { _csrf: token, enabled: 'true' });
      expect(app.rollout.peek('beta')!.enabled).toBe(true);
      const bad = await postForm(app, '/flags/features/beta/switch', { _csrf: token, enabled: 'maybe' });
      expect(bad.status).toBe(400);
    });

    it('adds users one per line and removes one', async () => {
      const res = await postForm(app, '/flags/features/beta/add-users', {
        _csrf: token,
        users: 'alice\r\nbob\n\n a,b \n',
      });
      expect(res.status).toBe(303);
      expect((await app.rollout.getFunc('beta'))!.users.sort()).toEqual(['a,b', 'alice', 'bob']);
      await postForm(app, '/flags/features/beta/remove-user', { _csrf: token, user: 'bob' });
      expect((await app.rollout.getFunc('beta'))!.users.sort()).toEqual(['a,b', 'alice']);
      const empty = await postForm(app, '/flags/features/beta/add-users', { _csrf: token, users: '\n \n' });
      expect(empty.status).toBe(400);
      expect(empty.text).toContain('Enter at least one user id');
      const tooLong = await postForm(app, '/flags/features/beta/add-users', { _csrf: token, users: 'x'.repeat(513) });
      expect(tooLong.status).toBe(400);
      expect(tooLong.text).toContain('id="users-error"');
    });

    it('pages and searches listed users', async () => {
      const ids = Array.from({ length: 120 }, (_, i) => `user-${String(i).padStart(3, '0')}`);
      await app.rollout.register('beta', ids);
      const first = await get('/flags/features/beta');
      expect(first.text).toContain('120 listed users');
      expect(first.text).toContain('Page 1 of 3');
      expect(first.text).toContain('<code>user-049</code>');
      expect(first.text).not.toContain('<code>user-050</code>');
      const third = await get('/flags/features/beta?users_page=3');
      expect(third.text).toContain('<code>user-119</code>');
      expect(third.text).not.toContain('<code>user-099</code>');
      const search = await get('/flags/features/beta?users_q=-11');
      expect(search.text).toContain('10 listed users whose id contains <code>-11</code>');
      expect(squash(search.text).match(/<li><code>/g)).toHaveLength(10);
      const beyond = await get('/flags/features/beta?users_page=99');
      expect(beyond.text).toContain('Page 3 of 3');
    });

    it('adds and removes patterns, and refuses what the Rollout refuses', async () => {
      await postForm(app, '/flags/features/beta/add-pattern', { _csrf: token, pattern: '^staff-', flags: 'i' });
      expect(app.rollout.peek('beta')!.patterns.map((p) => `/${p.source}/${p.flags}`)).toEqual(['/^staff-/i']);
      const syntax = await postForm(app, '/flags/features/beta/add-pattern', { _csrf: token, pattern: '(' });
      expect(syntax.status).toBe(400);
      expect(syntax.text).toContain('Not a regular expression JavaScript reads');
      const backref = await postForm(app, '/flags/features/beta/add-pattern', { _csrf: token, pattern: '(a)\\1' });
      expect(backref.status).toBe(400);
      expect(backref.text).toContain('id="pattern-error"');
      await postForm(app, '/flags/features/beta/remove-pattern', { _csrf: token, pattern: '^staff-', flags: 'i' });
      expect(app.rollout.peek('beta')!.patterns).toHaveLength(0);
    });

    it('sets variants with weights, and refuses a bad weight or a duplicate', async () => {
      await postForm(app, '/flags/features/beta/variants', { _csrf: token, variants: 'control 90\nnew 10' });
      expect((await app.rollout.getFunc('beta'))!.variants).toEqual([
        { name: 'control', weight: 90 },
        { name: 'new', weight: 10 },
      ]);
      const page = await get('/flags/features/beta');
      expect(squash(page.text)).toContain('<td class="name">control</td><td>90</td><td>90.0%</td>');
      const weight = await postForm(app, '/flags/features/beta/variants', { _csrf: token, variants: 'a lots' });
      expect(weight.text).toContain('Line 1: the weight lots is not a number above 0.');
      const dup = await postForm(app, '/flags/features/beta/variants', { _csrf: token, variants: 'a\na' });
      expect(dup.status).toBe(400);
      expect(dup.text).toContain('listed twice');
      await postForm(app, '/flags/features/beta/variants', { _csrf: token, variants: '' });
      expect(app.rollout.peek('beta')!.variants).toEqual([]);
    });

    it('deletes only when the name is typed', async () => {
      const wrong = await postForm(app, '/flags/features/beta/delete', { _csrf: token, confirm: 'bet' });
      expect(wrong.status).toBe(400);
      expect(wrong.text).toContain('nothing was deleted');
      expect(app.rollout.peek('beta')).toBeDefined();
      const ok = await postForm(app, '/flags/features/beta/delete', { _csrf: token, confirm: 'beta' });
      expect([ok.status, ok.headers.location]).toEqual([303, '/flags/?deleted=beta']);
      expect(await app.rollout.listFuncs()).toEqual([]);
      const gone = await postForm(app, '/flags/features/beta/percentage', { _csrf: token, percentage: '5' });
      expect(gone.status).toBe(404);
    });
  });

  describe('refusals of writes', () => {
    it('refuses a write without a CSRF token, with a tampered one, or with another actor’s', async () => {
      const other = await tokenFor(app, 'staff-2');
      const [issued, mac] = token.split('.');
      const forged = `${issued}.${mac!.slice(0, -2)}${mac!.endsWith('AA') ? 'BB' : 'AA'}`;
      for (const _csrf of [undefined, '', forged, other, `${(Date.now() + 3600_000).toString(36)}.${mac}`]) {
        const fields: Record<string, string> = { percentage: '90' };
        if (_csrf !== undefined) fields._csrf = _csrf;
        const res = await postForm(app, '/flags/features/beta/percentage', fields);
        expect(res.status).toBe(403);
        expect(res.text).toContain('The form has expired or did not come from this page');
      }
      expect(app.rollout.peek('beta')!.percentage).toBe(25);
    });

    it('refuses a write from another origin, or with neither Origin nor Referer', async () => {
      const cases: Record<string, string | undefined>[] = [
        { origin: 'https://evil.example' },
        { origin: 'null' },
        { origin: app.url.replace('127.0.0.1', 'localhost') },
        { origin: undefined },
        { origin: undefined, referer: 'https://evil.example/flags/' },
      ];
      for (const headers of cases) {
        const res = await postForm(app, '/flags/features/beta/percentage', { _csrf: token, percentage: '90' }, headers);
        expect([headers, res.status]).toEqual([headers, 403]);
      }
      expect(app.rollout.peek('beta')!.percentage).toBe(25);
      const referer = await postForm(
        app,
        '/flags/features/beta/percentage',
        { _csrf: token, percentage: '90' },
        { origin: undefined, referer: `${app.url}/flags/features/beta` },
      );
      expect(referer.status).toBe(303);
    });

    it('refuses a body that is not a form, or too large', async () => {
      const json = await app.agent
        .post('/flags/features/beta/percentage')
        .set({ 'x-user-id': 'staff-1', origin: app.url, 'content-type': 'application/json' })
        .send(JSON.stringify({ _csrf: token, percentage: 90 }));
      expect(json.status).toBe(415);
      const big = await postForm(app, '/flags/features/beta/add-users', { _csrf: token, users: 'u\n'.repeat(600_000) });
      expect(big.status).toBe(413);
      expect(app.rollout.peek('beta')!.percentage).toBe(25);
    });
  });

  describe('explain', () => {
    it('says in words why a feature is on or off for a user', async () => {
      await app.rollout.register('beta', 'alice');
      await app.rollout.register('beta', /^staff-/);
      const listed = await get('/flags/features/beta/explain?user=alice');
      expect(listed.text).toContain('On: alice is a listed user.');
      const pattern = await get('/flags/features/beta/explain?user=staff-9');
      expect(pattern.text).toContain('On: staff-9 matches the pattern /^staff-/.');
      for (const user of ['u-1', 'u-2', 'u-3', 'u-4', 'u-5', 'u-6']) {
        const bucket = independentBucket(user);
        const text = (await get(`/flags/features/beta/explain?user=${user}`)).text;
        expect(text).toContain(
          bucket < 25
            ? `On: ${user} falls in bucket ${bucket}, and buckets 0 to 24 have it (25%).`
            : `Off: ${user} is not listed, matches no pattern, and falls in bucket ${bucket}; only buckets 0 to 24 have it (25%).`,
        );
      }
      const tooLong = await get(`/flags/features/beta/explain?user=${'x'.repeat(513)}`);
      expect(tooLong.status).toBe(400);
      expect(tooLong.text).toContain('id="user-error"');
    });
  });

  describe('the list', () => {
    it('says each feature’s state in words and searches by name', async () => {
      await app.rollout.register('beta', ['a', 'b', 'c']);
      await app.rollout.register('beta', /01$/);
      await app.rollout.addFunc('gamma', { enabled: false, percentage: 100 });
      await app.rollout.addFunc('delta', { percentage: 100 });
      const list = await get('/flags/');
      expect(list.text).toContain('on for 25% of users, 3 listed users, 1 pattern');
      expect(list.text).toContain('switched off: off for everyone (when on: on for everyone)');
      expect(list.text).toContain('3 features');
      const found = await get('/flags/?q=ELT');
      expect(found.text).toContain('1 feature of 3 match <q>ELT</q>');
      expect(found.text).toContain('>delta</a>');
      expect(found.text).not.toContain('>beta</a>');
    });

    it('pages 120 features 50 at a time', async () => {
      for (let i = 0; i < 120; i += 1) await app.rollout.addFunc(`f-${String(i).padStart(3, '0')}`);
      const second = await get('/flags/?page=2');
      expect(second.text).toContain('Page 2 of 3');
      expect(second.text).toContain('>f-049</a>');
      expect(second.text).not.toContain('>f-048</a>');
      expect(second.text).toContain('href="/flags/?page=3"');
    });
  });

  describe('escaping', () => {
    it('shows a hostile feature name, user id, pattern and banner as text', async () => {
      const name = '<script>alert(1)</script>"\'&';
      const id = '"><img/src=x/onerror=alert(2)>';
      await app.rollout.addFunc(name, { percentage: 5, variants: ['<b>v</b>'] });
      await app.rollout.register(name, id);
      await app.rollout.register(name, /<\/script>/);
      const pages = [
        '/flags/',
        `/flags/?q=${encodeURIComponent(name)}`,
        `/flags/features/${encodeURIComponent(name)}`,
        `/flags/features/${encodeURIComponent(name)}?users_q=${encodeURIComponent(id)}`,
        `/flags/features/${encodeURIComponent(name)}/explain?user=${encodeURIComponent(id)}`,
        `/flags/features/${encodeURIComponent(name)}/delete`,
      ];
      for (const path of pages) {
        const res = await get(path).expect(200);
        expect(res.text).not.toContain('<script>');
        expect(res.text).not.toContain('<img');
        expect(res.text).not.toContain('<b>v');
        expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
      }
      const page = await get(`/flags/features/${encodeURIComponent(name)}`);
      expect(page.text).toContain('&quot;&gt;&lt;img/src=x/onerror=alert(2)&gt;');
      const res = await postForm(app, `/flags/features/${encodeURIComponent(name)}/percentage`, {
        _csrf: token,
        percentage: '7',
      });
      expect(res.headers.location).toBe(`/flags/features/${encodeURIComponent(name)}?saved=percentage`);
      expect(app.rollout.peek(name)!.percentage).toBe(7);
    });

    it('shows the banner as text', async () => {
      const other = await startAdminApp(maker, { banner: '<i>Production</i>' });
      try {
        const res = await other.agent.get('/flags/').set('x-user-id', 'staff-1');
        expect(res.text).toContain('<div class="banner" role="note">&lt;i&gt;Production&lt;/i&gt;</div>');
      } finally {
        await other.close();
      }
    });
  });

  describe('read-only', () => {
    let readOnly: AdminApp;
    beforeEach(async () => {
      readOnly = await startAdminApp(maker, { readOnly: true }, app.rollout);
    });
    afterEach(() => readOnly.close());

    it('shows every page with no form that writes', async () => {
      await app.rollout.register('beta', ['alice']);
      for (const path of [
        '/flags/',
        '/flags/new',
        '/flags/features/beta',
        '/flags/features/beta/delete',
        '/flags/features/beta/explain?user=alice',
      ]) {
        const res = await readOnly.agent.get(path).set('x-user-id', 'staff-1').expect(200);
        expect(res.text).not.toMatch(/<form method="post"/i);
        expect(res.text).not.toContain('_csrf');
        expect(res.text).toContain('read-only');
      }
    });

    it('answers 403 to every write, even with a good token and origin', async () => {
      const good = await tokenFor(app, 'staff-1');
      for (const [path, fields] of [
        ['/flags/new', { name: 'x' }],
        ['/flags/features/beta/percentage', { percentage: '90' }],
        ['/flags/features/beta/switch', { enabled: 'false' }],
        ['/flags/features/beta/delete', { confirm: 'beta' }],
      ] as const) {
        const res = await postForm(readOnly, path, { _csrf: good, ...fields }, { origin: readOnly.url });
        expect([path, res.status]).toEqual([path, 403]);
      }
      expect(await app.rollout.getFunc('beta')).toMatchObject({ enabled: true, percentage: 25 });
      expect(await app.rollout.listFuncs()).toEqual(['beta']);
    });
  });

  describe('behind a TLS-terminating proxy', () => {
    const proxied = { host: 'internal:8080', 'x-forwarded-host': 'flags.example.com', 'x-forwarded-proto': 'https' };

    it('compares the Origin with the forwarded address when the app trusts the proxy', async () => {
      const behind = await startAdminApp(maker, { trustProxy: true }, app.rollout);
      try {
        const write = (origin: string) =>
          postForm(
            behind,
            '/flags/features/beta/percentage',
            { _csrf: token, percentage: '60' },
            { ...proxied, origin },
          );
        expect((await write('http://internal:8080')).status).toBe(403);
        expect((await write('http://flags.example.com')).status).toBe(403);
        const ok = await write('https://flags.example.com');
        expect([ok.status, ok.text]).toEqual([303, expect.any(String)]);
        expect(app.rollout.peek('beta')!.percentage).toBe(60);
      } finally {
        await behind.close();
      }
    });

    it('ignores forwarded headers when the app does not trust a proxy', async () => {
      const res = await postForm(
        app,
        '/flags/features/beta/percentage',
        { _csrf: token, percentage: '60' },
        { ...proxied, origin: 'https://flags.example.com' },
      );
      expect(res.status).toBe(403);
      const direct = await postForm(
        app,
        '/flags/features/beta/percentage',
        { _csrf: token, percentage: '60' },
        { 'x-forwarded-host': 'flags.example.com', 'x-forwarded-proto': 'https' },
      );
      expect(direct.status).toBe(303);
    });
  });

  it('works mounted at the root', async () => {
    const root = await startAdminApp(maker, { at: '/' }, app.rollout);
    try {
      const res = await root.agent.get('/').set('x-user-id', 'staff-1').expect(200);
      expect(res.text).toContain('href="/features/beta"');
      const form = await root.agent.get('/features/beta').set('x-user-id', 'staff-1').expect(200);
      expect(form.text).toContain('action="/features/beta/percentage"');
      const ok = await postForm(root, '/features/beta/percentage', { _csrf: tokenIn(form.text), percentage: '3' });
      expect([ok.status, ok.headers.location]).toEqual([303, '/features/beta?saved=percentage']);
    } finally {
      await root.close();
    }
  });
});
