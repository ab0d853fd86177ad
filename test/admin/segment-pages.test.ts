/**
 * The segment pages of the admin page on a real Rollout (MemoryBackend), on
 * every framework major: create a segment (name, constraints, listed units),
 * edit its constraints, add and remove units (paged and searchable), delete
 * it with its name typed (refused while a rule uses it), and explain with
 * attributes. Every write is a CSRF-checked, Origin-checked form; read-only
 * mode and people `authorize` refuses get a 403 and change nothing.
 */
import { MemoryBackend, Rollout, type Constraint } from '@hanoi/core';
import { ADMIN_FRAMEWORKS, postForm, startAdminApp, tokenFor, type AdminApp } from '../support/admin-apps';

// The CSP the admin page promises (docs/SPEC.md, "The admin page").
const CSP =
  "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'";

const DUTCH: Constraint[] = [{ attribute: 'country', operator: 'IN', values: ['NL'] }];

/** Every write of the segment pages, with a form that would work. */
const WRITES: [string, Record<string, string>][] = [
  ['/flags/new-segment', { name: 'fresh', units: 'u1' }],
  ['/flags/segments/testers/constraints', { constraints: '[]' }],
  ['/flags/segments/testers/add-units', { units: 'u9' }],
  ['/flags/segments/testers/remove-unit', { user: 'u1' }],
  ['/flags/segments/testers/delete', { confirm: 'testers' }],
];

describe.each(ADMIN_FRAMEWORKS)('the segment pages on %s', (_name, maker) => {
  let app: AdminApp;
  let rollout: Rollout;
  let token: string;
  beforeEach(async () => {
    rollout = new Rollout(new MemoryBackend(), { actor: 'deploy-bot' });
    await rollout.defineSegment('testers', { users: ['u1', 'u2'], constraints: DUTCH });
    app = await startAdminApp(maker, {}, rollout);
    token = await tokenFor(app, 'staff-1');
  });
  afterEach(() => app.close());

  const get = (path: string, user = 'staff-1') => app.agent.get(path).set('x-user-id', user);
  /** What the store holds of every segment: the oracle that nothing changed. */
  const stored = async () => Promise.all((await rollout.listSegments()).sort().map((name) => rollout.getSegment(name)));

  it.each([
    ['/flags/segments', 200],
    ['/flags/new-segment', 200],
    ['/flags/segments/testers', 200],
    ['/flags/segments/testers?units_q=u&units_page=2', 200],
    ['/flags/segments/testers/delete', 200],
    ['/flags/segments/missing', 404],
    ['/flags/segments/missing/delete', 404],
    ['/flags/segments/has%20space', 404],
    ['/flags/segments/%E0%A4%A', 404],
    ['/flags/segments/testers/add-units', 405],
    ['/flags/segments/testers/remove-unit', 405],
  ])('GET %s answers %i with the CSP', async (path, status) => {
    const res = await get(path).expect(status);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.headers['content-security-policy']).toBe(CSP);
    expect(res.headers['x-frame-options']).toBe('DENY');
    if (status === 405) expect(res.headers.allow).toBe('POST');
  });

  it('answers 405 with Allow to a post to a page that only reads, and 404 to an unknown action', async () => {
    const page = await postForm(app, '/flags/segments/testers', { _csrf: token });
    expect([page.status, page.headers.allow]).toEqual([405, 'GET, HEAD']);
    const list = await postForm(app, '/flags/segments', { _csrf: token });
    expect([list.status, list.headers.allow]).toEqual([405, 'GET, HEAD']);
    expect((await postForm(app, '/flags/segments/testers/nothing', { _csrf: token })).status).toBe(404);
    expect((await postForm(app, '/flags/segments/missing/add-units', { _csrf: token, units: 'u1' })).status).toBe(404);
    expect(await rollout.listSegments()).toEqual(['testers']);
  });

  describe('creating a segment', () => {
    it('creates one with constraints and listed units, and redirects to its page (303)', async () => {
      const res = await postForm(app, '/flags/new-segment', {
        _csrf: token,
        name: 'dutch-pros',
        constraints: JSON.stringify([{ attribute: 'plan', operator: 'IN', values: ['pro'] }]),
        units: 'alice\r\n bob \n\n',
      });
      expect([res.status, res.headers.location]).toEqual([303, '/flags/segments/dutch-pros?saved=created']);
      expect(await rollout.getSegment('dutch-pros')).toEqual({
        name: 'dutch-pros',
        users: ['alice', 'bob'],
        constraints: [{ attribute: 'plan', operator: 'IN', values: ['pro'] }],
      });
      const page = (await get(res.headers.location!).expect(200)).text;
      expect(page).toContain('The segment is created.');
      expect(page).toContain('<code>plan IN pro</code>');
      expect(page).toContain('2 listed units');
      const list = (await get('/flags/segments').expect(200)).text;
      expect(list).toContain('href="/flags/segments/dutch-pros"');
      expect(list).toContain('href="/flags/new-segment"');
    });

    it('creates one with a name alone', async () => {
      const res = await postForm(app, '/flags/new-segment', {
        _csrf: token,
        name: 'empty',
        constraints: ' ',
        units: '',
      });
      expect(res.status).toBe(303);
      expect(await rollout.getSegment('empty')).toEqual({ name: 'empty', users: [], constraints: [] });
    });

    it.each([
      ['a name that exists', { name: 'testers' }, 'name', 'A segment named &quot;testers&quot; exists already.'],
      ['a name with a space', { name: 'two words' }, 'name', 'Invalid segment name'],
      ['no name', { name: '' }, 'name', 'Invalid segment name'],
      ['constraints that are not JSON', { name: 'x', constraints: '[{' }, 'constraints', 'Not JSON: '],
      ['constraints that are no list', { name: 'x', constraints: '{}' }, 'constraints', 'are a JSON list'],
      [
        'a constraint naming a segment',
        { name: 'x', constraints: '[{"operator":"IN_SEGMENT","values":["testers"]}]' },
        'constraints',
        'cannot use IN_SEGMENT',
      ],
      ['an id too long', { name: 'x', units: 'y'.repeat(5000) }, 'units', 'Invalid segment user'],
    ])('refuses %s beside its field, creating nothing', async (_what, fields, field, message) => {
      const before = await stored();
      const res = await postForm(app, '/flags/new-segment', { _csrf: token, ...fields });
      expect(res.status).toBe(400);
      expect(res.text).toMatch(
        new RegExp(`aria-invalid="true"[^>]*>([^<]*</textarea>)?\\s*<p class="error" id="${field}-error"`),
      );
      expect(res.text).toContain(message);
      expect(await stored()).toEqual(before);
    });
  });

  describe('a segment page', () => {
    it('shows the constraints in words and as JSON, and which features use it', async () => {
      await rollout.addFunc('checkout', {
        rules: [{ constraints: [{ operator: 'IN_SEGMENT', values: ['testers'] }] }],
      });
      const page = (await get('/flags/segments/testers').expect(200)).text;
      expect(page).toContain('<h1><span class="muted">Segment</span> testers</h1>');
      expect(page).toContain('<code>country IN NL</code>');
      expect(page).toContain('&quot;attribute&quot;: &quot;country&quot;');
      expect(page).toMatch(/Used by the rules of\s*<a href="\/flags\/features\/checkout">checkout<\/a>/);
      // And the feature's rules link back to the segment.
      const feature = (await get('/flags/features/checkout').expect(200)).text;
      expect(feature).toContain('<li><code>IN_SEGMENT</code> <a href="/flags/segments/testers">testers</a></li>');
      expect(page).toContain('<label for="constraints">Edit the constraints</label>');
      expect(page).toContain('<label for="units">Add units</label>');
      expect(page).toContain('<label for="units_q">Search listed units</label>');
    });

    it('saves constraints as the signed-in person, and refuses bad ones in words, changing nothing', async () => {
      const plan = [{ attribute: 'plan', operator: 'IN', values: ['pro', 'team'] }];
      const saved = await postForm(app, '/flags/segments/testers/constraints', {
        _csrf: token,
        constraints: JSON.stringify(plan),
      });
      expect([saved.status, saved.headers.location]).toEqual([303, '/flags/segments/testers?saved=constraints']);
      expect((await rollout.getSegment('testers'))!.constraints).toEqual(plan);
      expect((await get(saved.headers.location!).expect(200)).text).toContain('The constraints are saved.');

      const typed = '[{"attribute":"plan","operator":"NOPE","values":["<b>"]}]';
      const refused = await postForm(app, '/flags/segments/testers/constraints', { _csrf: token, constraints: typed });
      expect(refused.status).toBe(400);
      expect(refused.text).toMatch(/id="constraints-error" role="alert">[^<]*operator/);
      expect(refused.text).toContain('Nothing was changed');
      expect(refused.text).not.toContain('"<b>"');
      const blank = await postForm(app, '/flags/segments/testers/constraints', { _csrf: token, constraints: '' });
      expect(blank.status).toBe(400);
      expect(blank.text).toContain('Enter the constraints as a JSON list');
      expect((await rollout.getSegment('testers'))!.constraints).toEqual(plan);

      const cleared = await postForm(app, '/flags/segments/testers/constraints', { _csrf: token, constraints: '[]' });
      expect(cleared.status).toBe(303);
      expect(await rollout.getSegment('testers')).toEqual({ name: 'testers', users: ['u1', 'u2'], constraints: [] });
    });

    it('adds units one per line and removes one, escaped on the page', async () => {
      const added = await postForm(app, '/flags/segments/testers/add-units', {
        _csrf: token,
        units: 'u3\n<b>"x"</b>\n',
      });
      expect([added.status, added.headers.location]).toEqual([303, '/flags/segments/testers?saved=add-units']);
      expect((await rollout.getSegment('testers'))!.users.sort()).toEqual(['<b>"x"</b>', 'u1', 'u2', 'u3']);
      const page = (await get('/flags/segments/testers').expect(200)).text;
      expect(page).toContain('4 listed units');
      expect(page).toContain('<code>&lt;b&gt;&quot;x&quot;&lt;/b&gt;</code>');
      expect(page).not.toContain('<b>"x"</b>');
      expect(page).toContain('aria-label="Remove &lt;b&gt;&quot;x&quot;&lt;/b&gt;"');

      const removed = await postForm(app, '/flags/segments/testers/remove-unit', { _csrf: token, user: 'u1' });
      expect([removed.status, removed.headers.location]).toEqual([303, '/flags/segments/testers?saved=remove-unit']);
      expect((await rollout.getSegment('testers'))!.users.sort()).toEqual(['<b>"x"</b>', 'u2', 'u3']);

      const empty = await postForm(app, '/flags/segments/testers/add-units', { _csrf: token, units: ' \n' });
      expect(empty.status).toBe(400);
      expect(empty.text).toMatch(/id="units-error" role="alert">Enter at least one id, one per line\./);
    });

    it('pages and searches listed units', async () => {
      await rollout.registerSegment(
        'testers',
        Array.from({ length: 120 }, (_, i) => `unit-${String(i).padStart(3, '0')}`),
      );
      const first = (await get('/flags/segments/testers').expect(200)).text;
      expect(first).toContain('122 listed units');
      expect(first).toContain('Page 1 of 3');
      expect(first).toContain('aria-label="Pages of listed units"');
      expect(first.match(/<code>(u\d|unit-\d+)<\/code>/g)).toHaveLength(50);
      const third = (await get('/flags/segments/testers?units_page=3').expect(200)).text;
      expect(third).toContain('Page 3 of 3');
      expect(third.match(/<code>unit-\d+<\/code>/g)).toHaveLength(22);
      const found = (await get('/flags/segments/testers?units_q=unit-11').expect(200)).text;
      expect(found).toMatch(/10 listed units containing\s*<code>unit-11<\/code>/);
    });

    it('renders a name with markup and quotes as text', async () => {
      const name = '<script>"x\'</script>';
      await rollout.defineSegment(name, { users: ['u1'] });
      const path = `/flags/segments/${encodeURIComponent(name)}`;
      const page = (await get(path).expect(200)).text;
      expect(page).not.toContain('<script>');
      expect(page).toContain('&lt;script&gt;&quot;x&#39;&lt;/script&gt;');
      const list = (await get('/flags/segments').expect(200)).text;
      expect(list).toContain(`href="${path.replace("'", '&#39;')}"`);
      expect(list).not.toContain('<script>');
      const gone = await postForm(app, `${path}/delete`, { _csrf: token, confirm: name });
      expect(gone.status).toBe(303);
      expect(await rollout.listSegments()).toEqual(['testers']);
    });
  });

  describe('deleting a segment', () => {
    it('deletes it with its name typed, and refuses a wrong name', async () => {
      const wrong = await postForm(app, '/flags/segments/testers/delete', { _csrf: token, confirm: 'tester' });
      expect(wrong.status).toBe(400);
      expect(wrong.text).toContain('The name typed is not the name of this segment: nothing was deleted.');
      expect(await rollout.listSegments()).toEqual(['testers']);
      const res = await postForm(app, '/flags/segments/testers/delete', { _csrf: token, confirm: 'testers' });
      expect([res.status, res.headers.location]).toEqual([303, '/flags/segments?deleted=testers']);
      expect(await rollout.listSegments()).toEqual([]);
      expect((await get(res.headers.location!).expect(200)).text).toContain(
        'The segment <code>testers</code> is deleted.',
      );
    });

    it("refuses one a feature's rules use, with the core's message beside the field", async () => {
      await rollout.addFunc('checkout', {
        rules: [{ constraints: [{ operator: 'IN_SEGMENT', values: ['testers'] }] }],
      });
      const res = await postForm(app, '/flags/segments/testers/delete', { _csrf: token, confirm: 'testers' });
      expect(res.status).toBe(400);
      expect(res.text).toMatch(
        /aria-invalid="true"[^>]*>\s*<p class="error" id="confirm-error" role="alert">Segment &quot;testers&quot; is used by the rules of &quot;checkout&quot;/,
      );
      expect(await rollout.getSegment('testers')).toEqual({ name: 'testers', users: ['u1', 'u2'], constraints: DUTCH });
    });
  });

  it('explains with attributes: a rule on the segment, met by its constraints', async () => {
    await rollout.addFunc('checkout', {
      rules: [{ name: 'testers', constraints: [{ operator: 'IN_SEGMENT', values: ['testers'] }] }],
    });
    const without = (await get('/flags/features/checkout/explain?user=u9').expect(200)).text;
    expect(without).toMatch(/Off: u9 is not listed/);
    const attributes = encodeURIComponent('{"country":"NL"}');
    const dutch = (await get(`/flags/features/checkout/explain?user=u9&attributes=${attributes}`).expect(200)).text;
    expect(dutch).toContain('On: u9 meets rule #0 (testers).');
    expect(dutch).toContain('&quot;country&quot;:&quot;NL&quot;'); // what was typed is kept, escaped
    const notJson = await get(`/flags/features/checkout/explain?user=u9&attributes=${encodeURIComponent('{')}`);
    expect(notJson.status).toBe(400);
    expect(notJson.text).toMatch(/id="attributes-error" role="alert">Not JSON: /);
    const withId = await get(`/flags/features/checkout/explain?user=u9&attributes=${encodeURIComponent('{"id":"x"}')}`);
    expect(withId.status).toBe(400);
    expect(withId.text).toContain('The user id goes in its own box');
    const badValue = await get(
      `/flags/features/checkout/explain?user=u9&attributes=${encodeURIComponent('{"country":{"a":1}}')}`,
    );
    expect(badValue.status).toBe(400);
    expect(badValue.text).toMatch(/id="attributes-error" role="alert">Invalid attribute country/);
  });

  describe('refusals', () => {
    it.each(WRITES)(
      'refuses %s without the CSRF token, with another person’s, or from another site',
      async (path, fields) => {
        const before = await stored();
        expect((await postForm(app, path, fields)).status).toBe(403);
        expect((await postForm(app, path, { ...fields, _csrf: await tokenFor(app, 'staff-2') })).status).toBe(403);
        const foreign = await postForm(app, path, { ...fields, _csrf: token }, { origin: 'https://evil.example' });
        expect(foreign.status).toBe(403);
        expect(await stored()).toEqual(before);
      },
    );

    it.each(WRITES)('refuses %s to someone authorize refuses, and to no one signed in', async (path, fields) => {
      const before = await stored();
      for (const user of ['alice', undefined]) {
        const res = await postForm(app, path, { ...fields, _csrf: token }, { 'x-user-id': user });
        expect(res.status).toBe(403);
        expect(res.text).not.toContain('testers');
      }
      expect(await stored()).toEqual(before);
      for (const page of ['/flags/segments', '/flags/segments/testers', '/flags/new-segment']) {
        const res = await app.agent.get(page).set('x-user-id', 'alice');
        expect([page, res.status, res.text.includes('u1')]).toEqual([page, 403, false]);
      }
    });

    it('shows segments with no form in read-only mode, and refuses every write (403)', async () => {
      const readOnly = await startAdminApp(maker, { readOnly: true }, rollout);
      try {
        for (const path of ['/flags/segments', '/flags/segments/testers', '/flags/new-segment']) {
          const page = (await readOnly.agent.get(path).set('x-user-id', 'staff-1').expect(200)).text;
          expect(page).not.toContain('method="post"');
          expect(page).not.toContain('href="/flags/new-segment"');
          expect(page).not.toContain('/delete"');
        }
        const shown = (await readOnly.agent.get('/flags/segments/testers').set('x-user-id', 'staff-1')).text;
        expect(shown).toContain('<code>u1</code>');
        expect(shown).toContain('<code>country IN NL</code>');
        const before = await stored();
        for (const [path, fields] of WRITES) {
          expect([path, (await postForm(readOnly, path, { ...fields, _csrf: token })).status]).toEqual([path, 403]);
        }
        expect(await stored()).toEqual(before);
      } finally {
        await readOnly.close();
      }
    });
  });

  it('records segment writes in history as the signed-in person, from the admin page', async () => {
    await postForm(app, '/flags/segments/testers/add-units', { _csrf: token, units: 'u3' });
    const [entry] = await rollout.history({ segment: 'testers', limit: 1 });
    expect(entry).toMatchObject({ feature: 'segment testers', actor: 'staff-1', source: 'admin' });
  });

  describe("a segment's history", () => {
    /** The ids on the page's revert buttons, newest first. */
    const revertIds = (page: string) =>
      [...page.matchAll(/action="\/flags\/segments\/testers\/revert"[\s\S]*?name="entry" value="([^"]+)"/g)].map(
        (m) => m[1]!,
      );

    it('is shown newest first, each change in words, as on a feature page', async () => {
      await postForm(app, '/flags/segments/testers/add-units', { _csrf: token, units: 'u3' });
      const page = (await get('/flags/segments/testers').expect(200)).text;
      const section = page.slice(page.indexOf('<h2 id="history-heading">'));
      expect(section).toContain('users +u3');
      expect(section).toContain('staff-1 <span class="muted">(admin)</span>');
      expect(section).toContain('deploy-bot');
      const ids = (await rollout.history({ segment: 'testers' })).map((entry) => entry.id);
      expect(revertIds(page)).toEqual(ids);
    });

    it('reverts a change as the signed-in person; a later change makes it ask, then revert anyway', async () => {
      await postForm(app, '/flags/segments/testers/add-units', { _csrf: token, units: 'u3' });
      const [added] = await rollout.history({ segment: 'testers', limit: 1 });
      const reverted = await postForm(app, '/flags/segments/testers/revert', { _csrf: token, entry: added!.id });
      expect(reverted.status).toBe(303);
      expect(reverted.headers.location).toBe('/flags/segments/testers?saved=revert');
      expect((await rollout.getSegment('testers'))!.users).toEqual(['u1', 'u2']);
      const [entry] = await rollout.history({ segment: 'testers', limit: 1 });
      expect(entry).toMatchObject({ action: 'revert', reverts: added!.id, actor: 'staff-1', source: 'admin' });

      await rollout.registerSegment('testers', 'u4');
      const [u4] = await rollout.history({ segment: 'testers', limit: 1 });
      await rollout.registerSegment('testers', 'u5');
      const refused = await postForm(app, '/flags/segments/testers/revert', { _csrf: token, entry: u4!.id });
      expect(refused.status).toBe(400);
      expect(refused.text).toContain('has changed since');
      expect(refused.text).toContain('Revert anyway');
      expect((await rollout.getSegment('testers'))!.users).toEqual(['u1', 'u2', 'u4', 'u5']);
      const forced = await postForm(app, '/flags/segments/testers/revert', {
        _csrf: token,
        entry: u4!.id,
        force: 'true',
      });
      expect(forced.status).toBe(303);
      expect((await rollout.getSegment('testers'))!.users).toEqual(['u1', 'u2', 'u5']);
    });

    it("refuses another entry's id, and reverting its creation while a rule uses it; changes nothing", async () => {
      await rollout.addFunc('checkout', { percentage: 0 });
      const [feature] = await rollout.history({ feature: 'checkout', limit: 1 });
      const other = await postForm(app, '/flags/segments/testers/revert', { _csrf: token, entry: feature!.id });
      expect(other.status).toBe(400);
      expect(other.text).toContain('This segment has no such change');
      await rollout.setRules('checkout', [{ constraints: [{ operator: 'IN_SEGMENT', values: ['testers'] }] }]);
      const creation = (await rollout.history({ segment: 'testers' })).find((entry) => entry.before === null)!;
      const before = await stored();
      const used = await postForm(app, '/flags/segments/testers/revert', {
        _csrf: token,
        entry: creation.id,
        force: 'true',
      });
      expect(used.status).toBe(400);
      expect(used.text).toContain('the rules of checkout use it');
      expect(await stored()).toEqual(before);
      // Once no rule uses it, reverting its creation deletes it: back to the list.
      await rollout.setRules('checkout', []);
      const gone = await postForm(app, '/flags/segments/testers/revert', {
        _csrf: token,
        entry: creation.id,
        force: 'true',
      });
      expect(gone.status).toBe(303);
      expect(gone.headers.location).toBe('/flags/segments?deleted=testers');
      expect(await rollout.getSegment('testers')).toBeUndefined();
    });

    it('has no revert button in read-only mode, and refuses a revert there (403)', async () => {
      const readOnly = await startAdminApp(maker, { readOnly: true }, rollout);
      try {
        const page = (await readOnly.agent.get('/flags/segments/testers').set('x-user-id', 'staff-1').expect(200)).text;
        expect(page).toContain('<h2 id="history-heading">History</h2>');
        expect(revertIds(page)).toEqual([]);
        const [entry] = await rollout.history({ segment: 'testers', limit: 1 });
        const res = await postForm(readOnly, '/flags/segments/testers/revert', { _csrf: token, entry: entry!.id });
        expect(res.status).toBe(403);
      } finally {
        await readOnly.close();
      }
    });
  });
});
