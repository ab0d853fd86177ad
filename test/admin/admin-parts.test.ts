import { CsrfTokens, describeFeature, mountBase, sameOrigin } from '@hanoi/admin';
import { MemoryBackend, Rollout } from '@hanoi/core';
import { adminPage as expressAdminPage } from '@hanoi/express';
import { adminPage as koaAdminPage } from '@hanoi/koa';
import { ADMIN_FRAMEWORKS, postForm, startAdminApp, tokenFor } from '../support/admin-apps';
import type { ExpressModule, KoaModule } from '../support/http-frameworks';

describe('adminPage() construction', () => {
  const rollout = new Rollout(new MemoryBackend());
  it.each([
    ['Express', expressAdminPage as (options: unknown) => unknown],
    ['Koa', koaAdminPage as (options: unknown) => unknown],
  ])('on %s throws a TypeError without authorize, a rollout or with a bad option', (_name, adminPage) => {
    expect(() => adminPage({ rollout })).toThrow(TypeError);
    expect(() => adminPage({ rollout })).toThrow(/authorize is required/);
    expect(() => adminPage({ rollout, authorize: 'admin' })).toThrow(/authorize is required/);
    expect(() => adminPage({ authorize: () => 'a' })).toThrow(/rollout must be a Rollout/);
    expect(() => adminPage(undefined)).toThrow(TypeError);
    expect(() => adminPage({ rollout, authorize: () => 'a', readOnly: 'yes' })).toThrow(/readOnly/);
    expect(() => adminPage({ rollout, authorize: () => 'a', banner: 42 })).toThrow(/banner/);
    expect(() => adminPage({ rollout, authorize: () => 'a', secret: 'short' })).toThrow(/32 characters/);
    expect(typeof adminPage({ rollout, authorize: () => 'a' })).toBe('function');
  });
});

describe('CSRF tokens', () => {
  const tokens = new CsrfTokens('k'.repeat(32));
  const now = Date.UTC(2026, 0, 1);

  it('are good for the actor they were issued to, for 12 hours', () => {
    const token = tokens.issue('alice', now);
    expect(tokens.verify('alice', token, now)).toBe(true);
    expect(tokens.verify('alice', token, now + 12 * 3600_000 - 1)).toBe(true);
    expect(tokens.verify('alice', token, now + 12 * 3600_000 + 1)).toBe(false);
    expect(tokens.verify('bob', token, now)).toBe(false);
    expect(tokens.verify('alice', token, now - 120_000)).toBe(false); // issued in the future
  });

  it('need the key: another key or no key signs differently', () => {
    const token = tokens.issue('alice', now);
    expect(new CsrfTokens('j'.repeat(32)).verify('alice', token, now)).toBe(false);
    expect(new CsrfTokens().verify('alice', token, now)).toBe(false);
    expect(new CsrfTokens('k'.repeat(32)).verify('alice', token, now)).toBe(true);
  });

  it('refuse anything malformed', () => {
    for (const bad of [
      undefined,
      null,
      42,
      '',
      '.',
      'abc',
      'zz.',
      '.abc',
      `${'1'.repeat(300)}.x`,
      '-1.abc',
      '1e5.abc',
    ]) {
      expect(tokens.verify('alice', bad, now)).toBe(false);
    }
  });

  it('keep an actor apart from a time: "a\\0b" and "a" at another time differ', () => {
    expect(tokens.issue('a\0b', now)).not.toBe(tokens.issue('a', now));
  });
});

describe('sameOrigin', () => {
  it('compares scheme, host and port, with default ports dropped and hosts lower-cased', () => {
    expect(sameOrigin({ origin: 'https://App.example:443' }, 'https://app.example')).toBe(true);
    expect(sameOrigin({ origin: 'https://app.example:8443' }, 'https://app.example')).toBe(false);
    expect(sameOrigin({ origin: 'http://app.example' }, 'https://app.example')).toBe(false);
    expect(sameOrigin({ referer: 'https://app.example/flags/x?y' }, 'https://app.example')).toBe(true);
    expect(sameOrigin({ origin: 'https://evil.example', referer: 'https://app.example/' }, 'https://app.example')).toBe(
      false,
    );
    expect(sameOrigin({}, 'https://app.example')).toBe(false);
    expect(sameOrigin({ origin: 'javascript:alert(1)' }, 'https://app.example')).toBe(false);
    expect(sameOrigin({ origin: 'https://app.example' }, 'https://')).toBe(false);
  });
});

describe('describeFeature', () => {
  const facts = { enabled: true, percentage: 0, users: 0, patterns: 0, variants: 0 };
  it.each([
    [{ percentage: 25, users: 3, patterns: 1 }, 'on for 25% of users, 3 listed users, 1 pattern'],
    [{ percentage: 25, users: 3, patterns: 1, rules: 2 }, 'on for 25% of users, 3 listed users, 1 pattern, 2 rules'],
    [{ rules: 1 }, 'on for 1 rule'],
    [{ percentage: 100, rules: 1 }, 'on for everyone'],
    [{ percentage: 100 }, 'on for everyone'],
    [{}, 'on for nobody yet (0% and nobody listed)'],
    [{ users: 1 }, 'on for 1 listed user'],
    [{ users: 1200, patterns: 2 }, 'on for 1,200 listed users, 2 patterns'],
    [{ users: undefined }, 'on for listed users'],
    [{ percentage: 5, variants: 2 }, 'on for 5% of users; 2 variants'],
    [{ enabled: false, percentage: 25 }, 'switched off: off for everyone (when on: on for 25% of users)'],
  ])('%j reads "%s"', (change, words) => {
    expect(describeFeature({ ...facts, ...change })).toBe(words);
  });
});

describe('forms and the app’s body parsers', () => {
  it.each(
    ADMIN_FRAMEWORKS.filter(([name]) => name.startsWith('Express')).flatMap(([name, maker]) =>
      (['urlencoded', 'json'] as const).map((parser) => [name, parser, maker] as const),
    ),
  )('on %s with express.%s() mounted before the page', async (_name, parser, maker) => {
    const app = await startAdminApp(maker, { bodyParser: parser });
    try {
      await app.rollout.addFunc('beta');
      const token = await tokenFor(app, 'staff-1');
      const res = await postForm(app, '/flags/features/beta/percentage', { _csrf: token, percentage: '33' });
      expect(res.status).toBe(303);
      expect(app.rollout.peek('beta')!.percentage).toBe(33);
      const refused = await postForm(app, '/flags/features/beta/percentage', { percentage: '34' });
      expect(refused.status).toBe(403);
    } finally {
      await app.close();
    }
  });
});

describe('authorize', () => {
  const rollout = new Rollout(new MemoryBackend());
  beforeAll(() => rollout.addFunc('beta'));

  it.each([
    [
      'Express 5',
      (authorize: (req: unknown) => unknown) => {
        const app = (require('express5') as ExpressModule)();
        app.use('/flags', expressAdminPage({ rollout, authorize: authorize as never }));
        return app;
      },
    ],
    [
      'Koa 3',
      (authorize: (ctx: unknown) => unknown) => {
        const app = new (require('koa3') as KoaModule)();
        app.silent = true;
        const mount = require('koa-mount') as typeof import('koa-mount');
        app.use(mount('/flags', koaAdminPage({ rollout, authorize: authorize as never })));
        return app.callback();
      },
    ],
  ])('on %s: a Promise of a name lets in; true, "" or a throw do not', async (_name, make) => {
    const supertest = require('supertest') as typeof import('supertest');
    await supertest(make(async () => 'ops@example.com'))
      .get('/flags/')
      .expect(200);
    await supertest(make(() => true))
      .get('/flags/')
      .expect(403);
    await supertest(make(() => ''))
      .get('/flags/')
      .expect(403);
    await supertest(make(() => undefined))
      .get('/flags/')
      .expect(403);
    await supertest(make(() => Promise.resolve(false)))
      .get('/flags/')
      .expect(403);
    const thrown = await supertest(
      make(() => {
        throw new Error('auth service down');
      }),
    ).get('/flags/');
    expect(thrown.status).toBe(500); // the framework's error handling, not a page
    expect(thrown.text).not.toContain('beta');
  });
});

describe('mountBase', () => {
  it.each([
    ['/flags/new', '/new', '/flags'],
    ['/flags', '/', '/flags'],
    ['/flags/', '/', '/flags'],
    ['/', '/', ''],
    ['/a/b/features/x', '/features/x', '/a/b'],
    ['//evil.example/features/x', '/features/x', '/evil.example'],
    ['///evil.example/', '/', '/evil.example'],
  ])('%s below %s is mounted at "%s", never at another host', (original, below, base) => {
    expect(mountBase(original, below)).toBe(base);
  });
});
