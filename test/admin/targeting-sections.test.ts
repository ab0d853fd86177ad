/**
 * The targeting parts of the admin page on a real Rollout (MemoryBackend):
 * the deny list (paged, denied and undenied through CSRF-checked forms,
 * recorded with source 'admin', read-only without forms) and the rules
 * (in words, with prerequisites and the unit; edited as JSON checked by
 * setRules); and the list of segments.
 */
import { MemoryBackend, Rollout } from '@hanoi/core';
import { ADMIN_FRAMEWORKS, postForm, startAdminApp, tokenFor, type AdminApp } from '../support/admin-apps';

const get = (app: AdminApp, path: string) => app.agent.get(path).set('x-user-id', 'staff-1');

describe.each(ADMIN_FRAMEWORKS.filter(([name]) => name === 'Express 5' || name === 'Koa 3'))(
  'the targeting sections on %s',
  (_name, maker) => {
    let app: AdminApp;
    let rollout: Rollout;
    beforeEach(async () => {
      rollout = new Rollout(new MemoryBackend(), { actor: 'deploy-bot' });
      await rollout.addFunc('beta', { percentage: 100 });
      app = await startAdminApp(maker, {}, rollout);
    });
    afterEach(() => app.close());

    describe('the deny list', () => {
      it('denies ids through the form, as the signed-in actor, and undenies one by one', async () => {
        const token = await tokenFor(app, 'staff-1');
        const denied = await postForm(app, '/flags/features/beta/deny', { _csrf: token, deny: 'u13\n<b>"x"</b>\n' });
        expect([denied.status, denied.headers.location]).toEqual([303, '/flags/features/beta?saved=deny']);
        expect((await rollout.getFunc('beta'))!.deny).toEqual(['<b>"x"</b>', 'u13']);
        expect(await rollout.isEnabled('beta', 'u13')).toBe(false);
        const [entry] = await rollout.history({ feature: 'beta', limit: 1 });
        expect(entry).toMatchObject({ actor: 'staff-1', source: 'admin' });

        const page = (await get(app, '/flags/features/beta?saved=deny').expect(200)).text;
        expect(page).toContain('<h2 id="deny-heading">Deny list</h2>');
        expect(page).toContain('The ids are denied.');
        expect(page).toContain('2 denied ids');
        expect(page).toContain('<code>&lt;b&gt;&quot;x&quot;&lt;/b&gt;</code>');
        expect(page).not.toContain('<b>"x"</b>');
        expect(page).toContain('aria-label="Undeny u13"');

        const undenied = await postForm(app, '/flags/features/beta/undeny', { _csrf: token, user: 'u13' });
        expect(undenied.status).toBe(303);
        expect((await rollout.getFunc('beta'))!.deny).toEqual(['<b>"x"</b>']);
        expect((await rollout.history({ feature: 'beta', limit: 1 }))[0]).toMatchObject({
          actor: 'staff-1',
          source: 'admin',
        });
      });

      it('shows a refused id in words beside the field', async () => {
        const token = await tokenFor(app, 'staff-1');
        const empty = await postForm(app, '/flags/features/beta/deny', { _csrf: token, deny: '  \n' });
        expect(empty.status).toBe(400);
        expect(empty.text).toContain('Enter at least one id, one per line.');
        const long = await postForm(app, '/flags/features/beta/deny', { _csrf: token, deny: 'x'.repeat(5000) });
        expect(long.status).toBe(400);
        expect(long.text).toMatch(/id="deny-error" role="alert"/);
        expect((await rollout.getFunc('beta'))!.deny).toBeUndefined();
      });

      it('pages and searches the deny list', async () => {
        await rollout.deny(
          'beta',
          Array.from({ length: 120 }, (_, i) => `user-${String(i).padStart(3, '0')}`),
        );
        const first = (await get(app, '/flags/features/beta').expect(200)).text;
        expect(first).toContain('120 denied ids');
        expect(first).toContain('<code>user-049</code>');
        expect(first).not.toContain('<code>user-050</code>');
        expect(first).toContain('aria-label="Pages of the deny list"');
        const third = (await get(app, '/flags/features/beta?deny_page=3').expect(200)).text;
        expect(third).toContain('<code>user-119</code>');
        expect(third).toContain('Page 3 of 3');
        const found = (await get(app, '/flags/features/beta?deny_q=user-11').expect(200)).text;
        expect(found).toContain('10 denied ids containing <code>user-11</code>');
      });

      it('reads the deny list from what the process holds, never copying the listed users', async () => {
        await rollout.register('beta', ['alice', 'bob']);
        const copies = jest.spyOn(rollout, 'getFunc');
        const none = (await get(app, '/flags/features/beta').expect(200)).text;
        expect(none).toContain('0 denied ids');
        await rollout.deny('beta', 'u13');
        const one = (await get(app, '/flags/features/beta').expect(200)).text;
        expect(one).toContain('1 denied id');
        expect(one).toContain('<code>u13</code>');
        expect(copies).not.toHaveBeenCalled();
      });

      it('refuses a deny without its CSRF token, and any deny in read-only mode', async () => {
        const forged = await postForm(app, '/flags/features/beta/deny', { deny: 'u1' });
        expect(forged.status).toBe(403);
        await rollout.deny('beta', 'u2');
        const readOnly = await startAdminApp(maker, { readOnly: true }, rollout);
        try {
          const page = (await get(readOnly, '/flags/features/beta').expect(200)).text;
          expect(page).toContain('<code>u2</code>');
          expect(page).not.toContain('Undeny');
          expect(page).not.toContain('name="deny"');
          const token = await tokenFor(app, 'staff-1');
          expect((await postForm(readOnly, '/flags/features/beta/deny', { _csrf: token, deny: 'u1' })).status).toBe(
            403,
          );
          expect((await postForm(readOnly, '/flags/features/beta/undeny', { _csrf: token, user: 'u2' })).status).toBe(
            403,
          );
        } finally {
          await readOnly.close();
        }
        expect((await rollout.getFunc('beta'))!.deny).toEqual(['u2']);
      });
    });

    describe('the rules', () => {
      it('shows each rule, the prerequisites and the unit in words, escaped', async () => {
        await rollout.addFunc('new_ui');
        await rollout.addFunc('team', {
          by: 'companyId',
          requires: [{ feature: 'new_ui' }, { feature: 'beta', enabled: true, variants: [] }],
          rules: [
            {
              name: '<script>"pros"</script>',
              constraints: [
                { attribute: 'country', operator: 'IN', values: ['NL', 'BE'] },
                { attribute: 'plan', operator: 'IN', values: ['free'], inverted: true },
                { attribute: 'age', operator: 'NUM_GTE', value: 18 },
              ],
              percentage: 50,
            },
            { constraints: [] },
          ],
        });
        const page = (await get(app, '/flags/features/team').expect(200)).text;
        expect(page).toContain('<h2 id="rules-heading">Rules</h2>');
        expect(page).toContain('Decided by <code>companyId</code>');
        expect(page).toContain('new_ui on');
        expect(page).toContain('href="/flags/features/new_ui"');
        expect(page).toContain(
          '<q>&lt;script&gt;&quot;pros&quot;&lt;/script&gt;</q>: on for 50% of those it holds for',
        );
        expect(page).not.toContain('<script>"pros"');
        expect(page).toContain('<code>country IN NL, BE</code>');
        expect(page).toContain('<code>NOT plan IN free</code>');
        expect(page).toContain('<code>age NUM_GTE 18</code>');
        expect(page).toContain('<strong>Rule #1</strong>: on for everyone it holds for');
        expect(page).toContain('<li>every context</li>');
        const plain = (await get(app, '/flags/features/beta').expect(200)).text;
        expect(plain).toContain('No rules.');
        expect(plain).toContain('No prerequisites.');
      });

      it('saves rules typed as JSON through setRules, as the signed-in actor', async () => {
        const token = await tokenFor(app, 'staff-1');
        const rules = [{ name: 'dutch', constraints: [{ attribute: 'country', operator: 'IN', values: ['NL'] }] }];
        const saved = await postForm(app, '/flags/features/beta/rules', { _csrf: token, rules: JSON.stringify(rules) });
        expect([saved.status, saved.headers.location]).toEqual([303, '/flags/features/beta?saved=rules']);
        expect((await rollout.getFunc('beta'))!.rules).toEqual(rules);
        expect((await rollout.history({ feature: 'beta', limit: 1 }))[0]).toMatchObject({
          actor: 'staff-1',
          source: 'admin',
        });
        const page = (await get(app, '/flags/features/beta?saved=rules').expect(200)).text;
        expect(page).toContain('The rules are saved.');
        expect(page).toContain('<code>country IN NL</code>');
        // The textarea holds the rules as JSON, escaped.
        expect(page).toContain('&quot;operator&quot;: &quot;IN&quot;');
        const cleared = await postForm(app, '/flags/features/beta/rules', { _csrf: token, rules: '[]' });
        expect(cleared.status).toBe(303);
        expect((await rollout.getFunc('beta'))!.rules).toBeUndefined();
      });

      it('shows what setRules refused in words beside the field, and keeps what was typed', async () => {
        const token = await tokenFor(app, 'staff-1');
        const notJson = await postForm(app, '/flags/features/beta/rules', { _csrf: token, rules: '[{' });
        expect(notJson.status).toBe(400);
        expect(notJson.text).toMatch(/<p class="error" id="rules-error" role="alert">Not JSON: /);
        const notList = await postForm(app, '/flags/features/beta/rules', { _csrf: token, rules: '{}' });
        expect(notList.text).toContain('The rules are a JSON list');
        const typed = '[{"constraints":[{"attribute":"country","operator":"NOPE","values":["<b>"]}]}]';
        const refused = await postForm(app, '/flags/features/beta/rules', { _csrf: token, rules: typed });
        expect(refused.status).toBe(400);
        expect(refused.text).toMatch(/id="rules-error" role="alert">[^<]*operator/);
        expect(refused.text).toContain('&quot;NOPE&quot;');
        expect(refused.text).not.toContain('"<b>"');
        expect((await rollout.getFunc('beta'))!.rules).toBeUndefined();
      });

      it('refuses rules without the CSRF token, and in read-only mode shows them with no form', async () => {
        await rollout.setRules('beta', [{ constraints: [{ attribute: 'plan', operator: 'IN', values: ['pro'] }] }]);
        const forged = await postForm(app, '/flags/features/beta/rules', { rules: '[]' });
        expect(forged.status).toBe(403);
        const readOnly = await startAdminApp(maker, { readOnly: true }, rollout);
        try {
          const page = (await get(readOnly, '/flags/features/beta').expect(200)).text;
          expect(page).toContain('<code>plan IN pro</code>');
          expect(page).not.toContain('name="rules"');
          const token = await tokenFor(app, 'staff-1');
          expect((await postForm(readOnly, '/flags/features/beta/rules', { _csrf: token, rules: '[]' })).status).toBe(
            403,
          );
        } finally {
          await readOnly.close();
        }
        expect((await rollout.getFunc('beta'))!.rules).toHaveLength(1);
      });
    });

    describe('the segments page', () => {
      it('lists segments with their user counts and constraints in words, escaped', async () => {
        await rollout.defineSegment('beta-testers', { users: ['u1', 'u2', 'u3'] });
        await rollout.defineSegment('<i>dutch</i>', {
          constraints: [
            { attribute: 'country', operator: 'IN', values: ['NL', '"BE"'] },
            { attribute: 'plan', operator: 'IN', values: ['free'], inverted: true },
          ],
        });
        const page = (await get(app, '/flags/segments').expect(200)).text;
        expect(page).toContain('<h1>Segments</h1>');
        expect(page).toContain('2 segments');
        expect(page).toContain('<a href="/flags/segments/beta-testers">beta-testers</a>');
        expect(page).toContain('3 units');
        expect(page).toContain('<a href="/flags/segments/%3Ci%3Edutch%3C%2Fi%3E">&lt;i&gt;dutch&lt;/i&gt;</a>');
        expect(page).not.toContain('<i>dutch</i>');
        expect(page).toContain('<code>country IN NL, &quot;BE&quot;</code>');
        expect(page).toContain('<code>NOT plan IN free</code>');
        expect(page).toContain('href="/flags/segments">Segments</a>');
        // The list only links: segments are created and changed on pages of their own.
        expect(page).not.toContain('method="post"');
        expect(page).toContain('<a href="/flags/new-segment">New segment</a>');
      });

      it('answers 405 to a post and needs a signed-in person', async () => {
        const token = await tokenFor(app, 'staff-1');
        expect((await postForm(app, '/flags/segments', { _csrf: token })).status).toBe(405);
        expect((await app.agent.get('/flags/segments')).status).toBe(403);
        const empty = (await get(app, '/flags/segments').expect(200)).text;
        expect(empty).toContain('0 segments');
      });
    });

    it('leaves the targeting parts out when the backend keeps no targeting', async () => {
      const backend = new MemoryBackend();
      // A backend without the targeting methods, as a third-party one may be.
      Object.assign(backend, { peekSegment: undefined, denyUsers: undefined });
      const plain = new Rollout(backend);
      await plain.addFunc('beta');
      const bare = await startAdminApp(maker, {}, plain);
      try {
        const page = (await get(bare, '/flags/features/beta').expect(200)).text;
        expect(page).not.toContain('rules-heading');
        expect(page).not.toContain('deny-heading');
        expect(page).not.toContain('/flags/segments');
        expect((await get(bare, '/flags/segments')).status).toBe(404);
        const token = await tokenFor(bare, 'staff-1');
        expect((await postForm(bare, '/flags/features/beta/deny', { _csrf: token, deny: 'u1' })).status).toBe(404);
      } finally {
        await bare.close();
      }
    });
  },
);
