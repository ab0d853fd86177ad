import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { MemoryBackend, Rollout } from '@hanoi/core';
import { createApp as createExpressExample } from '../../examples/express/app';
import { createApp as createKoaExample } from '../../examples/koa/app';
import { ADMIN_FRAMEWORKS, startAdminApp, type AdminApp } from '../support/admin-apps';
import { independentBucket, listen } from '../support/http-frameworks';
import { describeInBrowser, launchChromium, screenshotPath } from './chromium';

/** A page that records what the browser refused under the CSP, and any script error. */
async function openPage(context: BrowserContext): Promise<{ page: Page; complaints: string[] }> {
  const page = await context.newPage();
  const complaints: string[] = [];
  // Pages answer 400 or 403 on purpose; a stylesheet or icon that fails does not.
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      complaints.push(message.text());
    }
  });
  page.on('response', (response) => {
    if (response.request().resourceType() !== 'document' && response.status() >= 400) {
      complaints.push(`${response.status()} ${response.url()}`);
    }
  });
  page.on('pageerror', (error) => complaints.push(String(error)));
  return { page, complaints };
}

// A browser on a shared 2-core machine: generous bounds, each test still bounded.
jest.setTimeout(120_000);

describeInBrowser('the admin page in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each([
    ['Express', async () => listen((await createExpressExample()) as never)],
    ['Koa', async () => listen((await createKoaExample()).callback())],
  ])(
    'on the %s example: sign in, create a feature, set 25%%, register users, add a rule, explain, see the list, see the history, revert, delete',
    async (framework, start) => {
      const server = await start();
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      const { page, complaints } = await openPage(context);
      const shoot = framework === 'Express';
      try {
        // Not signed in: refused.
        const refused = await page.goto(`${server.url}/flags`);
        expect(refused!.status()).toBe(403);

        // The example's stand-in sign-in sets a cookie and lands on the list.
        await page.goto(`${server.url}/sign-in?as=staff-1`);
        expect(new URL(page.url()).pathname).toBe('/flags');
        await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Features');
        await expect(page.locator('.who').textContent()).resolves.toContain('staff-1');
        // The stylesheet loaded under the CSP.
        expect(
          await page
            .locator('main')
            .evaluate(
              (main) =>
                (globalThis as unknown as { getComputedStyle(e: unknown): { maxWidth: string } }).getComputedStyle(main)
                  .maxWidth,
            ),
        ).toBe('960px');

        // Keyboard: the first Tab reaches the skip link.
        await page.keyboard.press('Tab');
        expect(
          await page.evaluate(
            () =>
              (globalThis as unknown as { document: { activeElement?: { textContent: string } } }).document
                .activeElement?.textContent,
          ),
        ).toBe('Skip to content');

        await page.getByRole('link', { name: 'New feature' }).click();
        await page.getByLabel('Name', { exact: true }).fill('new_checkout');
        await page.getByRole('button', { name: 'Create feature' }).click();
        await expect(page.getByRole('status').textContent()).resolves.toContain('The feature is created.');
        expect(new URL(page.url()).pathname).toBe('/flags/features/new_checkout');

        await page.getByLabel('Percentage of users').fill('25');
        await page.getByRole('button', { name: 'Set percentage' }).click();
        await expect(page.locator('.summary').textContent()).resolves.toContain('on for 25% of users');

        await page.getByLabel('Add users').fill('alice\nbob\ncarol');
        await page.getByRole('button', { name: 'Add users' }).click();
        await expect(page.locator('.summary').textContent()).resolves.toContain('on for 25% of users, 3 listed users');
        expect(await page.locator('ul.users code').allTextContents()).toEqual(['alice', 'bob', 'carol']);

        await page.getByLabel('Pattern', { exact: true }).fill('^staff-');
        await page.getByRole('button', { name: 'Add pattern' }).click();
        await page.getByRole('textbox', { name: 'Variants' }).fill('control 90\nnew 10');
        await page.getByRole('button', { name: 'Save variants' }).click();
        await expect(page.locator('.summary').textContent()).resolves.toContain(
          'on for 25% of users, 3 listed users, 1 pattern; 2 variants',
        );

        // Add a rule: users in NL have it, whatever their bucket.
        const dutch = [{ name: 'dutch', constraints: [{ attribute: 'country', operator: 'IN', values: ['NL'] }] }];
        await page.getByLabel('Edit the rules').fill(JSON.stringify(dutch));
        await page.getByRole('button', { name: 'Save the rules' }).click();
        await expect(page.getByRole('status').textContent()).resolves.toContain('The rules are saved.');
        await expect(page.locator('.summary').textContent()).resolves.toContain(
          'on for 25% of users, 3 listed users, 1 pattern, 1 rule; 2 variants',
        );
        await expect(page.locator('ol.rules').textContent()).resolves.toMatch(
          /Rule #0\s*“?dutch”?[\s\S]*country IN NL/,
        );
        if (shoot) await page.screenshot({ path: screenshotPath('admin-feature.png'), fullPage: true });

        // Remove a user with the keyboard: focus its button, press Enter.
        await page.getByRole('button', { name: 'Remove bob' }).focus();
        await page.keyboard.press('Enter');
        await page.waitForURL(/saved=remove-user/);
        expect(await page.locator('ul.users code').allTextContents()).toEqual(['alice', 'carol']);

        // Why is it on for alice? Typed, then Enter.
        await page.getByLabel('Why is it on or off for this user?').fill('alice');
        await Promise.all([page.waitForURL(/explain\?user=alice/), page.keyboard.press('Enter')]);
        await expect(page.getByRole('status').textContent()).resolves.toContain('On: alice is a listed user.');
        await expect(page.locator('main').textContent()).resolves.toMatch(/Variant: (control|new)\./);

        // With attributes, the rule is weighed: a user outside the 25% is in through it.
        const outside = ['dave', 'erin', 'frank', 'grace', 'heidi'].find((id) => independentBucket(id) >= 25)!;
        await page.getByLabel('User id').fill(outside);
        await page.getByLabel('Attributes (optional)').fill('');
        await page.getByRole('button', { name: 'Explain' }).click();
        await expect(page.getByRole('status').textContent()).resolves.toContain(`Off: ${outside} is not listed`);
        await page.getByLabel('Attributes (optional)').fill('{ "country": "NL" }');
        await page.getByRole('button', { name: 'Explain' }).click();
        await expect(page.getByRole('status').textContent()).resolves.toContain(
          `On: ${outside} meets rule #0 (dutch).`,
        );
        if (shoot) await page.screenshot({ path: screenshotPath('admin-explain.png') });

        await page.getByRole('link', { name: 'Features' }).click();
        const row = page.locator('tr', { has: page.getByRole('link', { name: 'new_checkout' }) });
        await expect(row.textContent()).resolves.toContain(
          'on for 25% of users, 2 listed users, 1 pattern, 1 rule; 2 variants',
        );
        if (shoot) await page.screenshot({ path: screenshotPath('admin-list.png'), fullPage: true });

        // See the history, revert: every write above is there, by staff-1 from the admin page.
        await row.getByRole('link', { name: 'new_checkout' }).click();
        const history = page.locator('section[aria-labelledby="history-heading"]');
        const entries = history.locator('tbody tr');
        await expect(entries.count()).resolves.toBe(7);
        await expect(entries.first().textContent()).resolves.toMatch(
          /staff-1\s*\(admin\)[\s\S]*unregister[\s\S]*users −bob/,
        );
        expect(await history.locator('tbody tr td:nth-child(2)').allTextContents()).toEqual(
          Array(7).fill('staff-1 (admin)'),
        );
        // Reverting the 25% now would overwrite what came after: refused in words, then forced.
        const ramp = entries.filter({ hasText: 'percentage 0% → 25%' });
        await ramp.getByRole('button', { name: /^Revert:/ }).click();
        await expect(page.locator('#revert-conflict').textContent()).resolves.toContain(
          '“new_checkout” has changed since the change of',
        );
        if (shoot) await page.screenshot({ path: screenshotPath('admin-history-conflict.png'), fullPage: true });
        await page.getByRole('button', { name: /^Revert anyway:/ }).click();
        await expect(page.getByRole('status').textContent()).resolves.toContain('The change is reverted.');
        await expect(page.locator('.summary').textContent()).resolves.not.toContain('25%');
        await expect(entries.first().textContent()).resolves.toMatch(/revert of[\s\S]*percentage 25% → 0%/);
        // The revert is an entry like any other: reverting it brings the 25% back, with no conflict.
        await entries
          .first()
          .getByRole('button', { name: /^Revert:/ })
          .click();
        await expect(page.locator('.summary').textContent()).resolves.toContain('on for 25% of users');
        await expect(entries.count()).resolves.toBe(9);

        // Delete: a wrong name is refused beside the field, the right one deletes.
        await page.goto(`${server.url}/flags/features/new_checkout/delete`);
        await page.getByLabel('Type the name of the feature to confirm').fill('new_check');
        await page.getByRole('button', { name: 'Delete this feature' }).click();
        await expect(page.locator('#confirm-error').textContent()).resolves.toContain('nothing was deleted');
        expect(await page.getByLabel('Type the name of the feature to confirm').getAttribute('aria-invalid')).toBe(
          'true',
        );
        if (shoot) await page.screenshot({ path: screenshotPath('admin-delete-refused.png') });
        await page.getByLabel('Type the name of the feature to confirm').fill('new_checkout');
        await page.getByRole('button', { name: 'Delete this feature' }).click();
        await expect(page.getByRole('status').textContent()).resolves.toContain('new_checkout is deleted');
        await expect(page.getByRole('link', { name: 'new_checkout' }).count()).resolves.toBe(0);

        expect(complaints).toEqual([]);
      } finally {
        await context.close();
        await server.close();
      }
    },
  );

  it('on the Koa example: create a segment, edit it, use it in a rule, explain, refuse then allow its deletion', async () => {
    const server = await listen((await createKoaExample()).callback());
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const { page, complaints } = await openPage(context);
    const summary = page.locator('.summary');
    try {
      await page.goto(`${server.url}/sign-in?as=staff-1`);
      await page.getByRole('link', { name: 'Segments' }).click();
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Segments');
      await expect(page.locator('main').textContent()).resolves.toContain('0 segments');

      await page.getByRole('link', { name: 'New segment' }).click();
      await page.getByLabel('Name', { exact: true }).fill('beta-testers');
      await page
        .getByLabel('Constraints', { exact: true })
        .fill('[{ "attribute": "plan", "operator": "IN", "values": ["pro"] }]');
      await page.getByLabel('Listed units').fill('alice\nbob\n<b>"quoted"</b>');
      await page.getByRole('button', { name: 'Create segment' }).click();
      await expect(page.getByRole('status').textContent()).resolves.toContain('The segment is created.');
      expect(new URL(page.url()).pathname).toBe('/flags/segments/beta-testers');
      await expect(summary.textContent()).resolves.toMatch(/3 listed units;\s*1 constraint\./);
      expect(await page.locator('ul.users code').allTextContents()).toEqual(['alice', 'bob', '<b>"quoted"</b>']);

      // Units added and removed; constraints edited, and a bad one refused beside the box.
      await page.getByLabel('Add units').fill('carol');
      await page.getByRole('button', { name: 'Add units' }).click();
      await page.getByRole('button', { name: 'Remove bob' }).click();
      await expect(summary.textContent()).resolves.toMatch(/3 listed units/);
      expect(await page.locator('ul.users code').allTextContents()).toEqual(['alice', '<b>"quoted"</b>', 'carol']);
      await page.getByLabel('Edit the constraints').fill('[{ "operator": "IN_SEGMENT", "values": ["beta-testers"] }]');
      await page.getByRole('button', { name: 'Save the constraints' }).click();
      await expect(page.locator('#constraints-error').textContent()).resolves.toContain('IN_SEGMENT');
      await page
        .getByLabel('Edit the constraints')
        .fill('[{ "attribute": "country", "operator": "IN", "values": ["NL", "BE"] }]');
      await page.getByRole('button', { name: 'Save the constraints' }).click();
      await expect(page.getByRole('status').textContent()).resolves.toContain('The constraints are saved.');
      await expect(page.locator('#constraints-heading + p + ul').textContent()).resolves.toContain('country IN NL, BE');
      await page.getByLabel('Search listed units').fill('quot');
      await Promise.all([page.waitForURL(/units_q=quot/), page.keyboard.press('Enter')]);
      await expect(page.locator('main').textContent()).resolves.toMatch(/1 listed unit containing\s*quot/);
      await page.screenshot({ path: screenshotPath('admin-segment.png'), fullPage: true });

      // A rule of beta_dashboard (listed users only, 0%) takes the segment in.
      await page.goto(`${server.url}/flags/features/beta_dashboard`);
      await page
        .getByLabel('Edit the rules')
        .fill('[{ "constraints": [{ "operator": "IN_SEGMENT", "values": ["beta-testers"] }] }]');
      await page.getByRole('button', { name: 'Save the rules' }).click();
      await expect(page.getByRole('status').textContent()).resolves.toContain('The rules are saved.');
      await page.goto(`${server.url}/flags/features/beta_dashboard/explain`);
      const explain = async (user: string, attributes: string) => {
        await page.getByLabel('User id').fill(user);
        await page.getByLabel('Attributes (optional)').fill(attributes);
        await page.getByRole('button', { name: 'Explain' }).click();
        return page.getByRole('status').textContent();
      };
      await expect(explain('zoe', '')).resolves.toMatch(/^\s*Off: zoe is not listed/);
      await expect(explain('zoe', '{ "country": "BE" }')).resolves.toContain('On: zoe meets rule #0.');
      await expect(explain('carol', '')).resolves.toContain('On: carol meets rule #0.');

      await page.getByRole('link', { name: 'Segments' }).click();
      await expect(page.locator('tbody tr').textContent()).resolves.toMatch(
        /beta-testers\s*3 units\s*country IN NL, BE/,
      );
      await page.screenshot({ path: screenshotPath('admin-segments.png') });

      // In use: deletion refused, in words beside the field; once the rule is gone, deleted.
      await page.getByRole('link', { name: 'beta-testers' }).click();
      await expect(page.locator('main').textContent()).resolves.toMatch(/Used by the rules of\s*beta_dashboard/);
      await page.getByRole('link', { name: 'Delete this segment…' }).click();
      const confirm = page.getByLabel('Type the name of the segment to confirm');
      await confirm.fill('beta-testers');
      await page.getByRole('button', { name: 'Delete this segment' }).click();
      await expect(page.locator('#confirm-error').textContent()).resolves.toContain(
        'Segment "beta-testers" is used by the rules of "beta_dashboard"',
      );
      expect(await confirm.getAttribute('aria-invalid')).toBe('true');
      await page.screenshot({ path: screenshotPath('admin-segment-delete-refused.png') });
      await page.goto(`${server.url}/flags/features/beta_dashboard`);
      await page.getByLabel('Edit the rules').fill('[]');
      await page.getByRole('button', { name: 'Save the rules' }).click();
      await page.goto(`${server.url}/flags/segments/beta-testers/delete`);
      await confirm.fill('beta-testers');
      await page.getByRole('button', { name: 'Delete this segment' }).click();
      await expect(page.getByRole('status').textContent()).resolves.toContain('The segment beta-testers is deleted.');
      await expect(page.locator('main').textContent()).resolves.toContain('0 segments');
      expect(complaints).toEqual([]);
    } finally {
      await context.close();
      await server.close();
    }
  });

  it('searches a list of 500 features by name', async () => {
    const rollout = new Rollout(new MemoryBackend());
    for (let i = 0; i < 500; i += 1) {
      await rollout.addFunc(`${['search', 'checkout', 'profile', 'billing'][i % 4]}-${String(i).padStart(3, '0')}`, {
        percentage: i % 101,
      });
    }
    const [, maker] = ADMIN_FRAMEWORKS.find(([name]) => name === 'Express 5')!;
    const app: AdminApp = await startAdminApp(maker, {}, rollout);
    const context = await browser.newContext({ extraHTTPHeaders: { 'x-user-id': 'staff-1' } });
    const { page, complaints } = await openPage(context);
    try {
      await page.goto(`${app.url}/flags/`);
      await expect(page.locator('#found').textContent()).resolves.toBe('500 features');
      await expect(page.locator('tbody tr').count()).resolves.toBe(50);
      await expect(page.locator('.pager').textContent()).resolves.toContain('Page 1 of 10');
      await page.getByLabel('Search by name').fill('checkout-4');
      await Promise.all([page.waitForURL(/q=checkout-4/), page.keyboard.press('Enter')]);
      await expect(page.locator('#found').textContent()).resolves.toBe('25 features of 500 match checkout-4');
      const names = await page.locator('tbody td.name').allTextContents();
      expect(names).toHaveLength(25);
      expect(names.every((name) => name.startsWith('checkout-4'))).toBe(true);
      await page.getByRole('link', { name: 'checkout-401' }).click();
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Feature checkout-401');
      expect(complaints).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });

  it('shows no form that writes in read-only mode, under its banner', async () => {
    const rollout = new Rollout(new MemoryBackend());
    await rollout.addFunc('new_checkout', { percentage: 25, variants: ['control', 'new'] });
    await rollout.register('new_checkout', ['alice', 'bob', 'carol']);
    await rollout.register('new_checkout', /^staff-/);
    await rollout.defineSegment('beta-testers', {
      users: ['alice'],
      constraints: [{ attribute: 'plan', operator: 'IN', values: ['pro'] }],
    });
    const [, maker] = ADMIN_FRAMEWORKS.find(([name]) => name === 'Koa 3')!;
    const app = await startAdminApp(maker, { readOnly: true, banner: 'Production' }, rollout);
    const context = await browser.newContext({
      viewport: { width: 1100, height: 900 },
      extraHTTPHeaders: { 'x-user-id': 'staff-1' },
    });
    const { page, complaints } = await openPage(context);
    try {
      for (const path of [
        '/flags/',
        '/flags/features/new_checkout',
        '/flags/new',
        '/flags/features/new_checkout/delete',
        '/flags/segments',
        '/flags/segments/beta-testers',
        '/flags/new-segment',
        '/flags/segments/beta-testers/delete',
      ]) {
        await page.goto(`${app.url}${path}`);
        await expect(page.locator('.banner').textContent()).resolves.toBe('Production');
        await expect(page.locator('form[method="post"]').count()).resolves.toBe(0);
        const buttons = await page.getByRole('button').allTextContents();
        expect(buttons.every((text) => ['Search', 'Explain'].includes(text.trim()))).toBe(true);
      }
      await page.goto(`${app.url}/flags/features/new_checkout`);
      // The history is shown, without a revert button.
      await expect(page.locator('section[aria-labelledby="history-heading"] tbody tr').count()).resolves.toBe(3);
      await page.screenshot({ path: screenshotPath('admin-read-only.png'), fullPage: true });
      expect(complaints).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });
});
