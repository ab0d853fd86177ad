import { MemoryBackend, Rollout } from '@hanoi/core';
import { features as expressFeatures, requireFeature as expressRequire } from '@hanoi/express';
import { features as koaFeatures, requireFeature as koaRequire } from '@hanoi/koa';
import type { Context, Next } from 'koa';
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { EXPRESS_VERSIONS, KOA_VERSIONS } from '../support/http-frameworks';

// Issue 6: nothing in a request (header, cookie, query string) can turn a
// feature on. The default resolver reads req.user?.id / ctx.state.user?.id,
// which only the app's own auth layer sets (here a stand-in that takes the
// user from the test, never from the request).

/** Requests that try to pass as 'alice' (listed for beta) or to switch beta on. */
const HOSTILE: Array<{ label: string; query?: string; headers?: Record<string, string> }> = [
  {
    label: 'user headers',
    headers: {
      'x-user-id': 'alice',
      'x-user': 'alice',
      'user-id': 'alice',
      'x-forwarded-user': 'alice',
      'x-remote-user': 'alice',
      authorization: 'Bearer alice',
    },
  },
  {
    label: 'hanoi headers',
    headers: {
      'x-hanoi-user': 'alice',
      'x-hanoi-id': 'alice',
      'x-hanoi-features': 'beta',
      'x-hanoi-beta': 'on',
      'x-features': 'beta',
      'x-feature-beta': '1',
    },
  },
  {
    label: 'cookies',
    headers: { cookie: 'hanoi=beta; hanoi_user=alice; user=alice; user_id=alice; features=beta; beta=1' },
  },
  {
    label: 'query strings',
    query: 'user=alice&user_id=alice&userId=alice&id=alice&features=beta&feature=beta&beta=1&hanoi=beta&enable=beta',
  },
  { label: 'nested query', query: 'user[id]=alice&state[user][id]=alice&features[beta]=true&features[]=beta' },
  {
    label: 'prototype pollution',
    query: '__proto__[id]=alice&__proto__[user][id]=alice&constructor[prototype][id]=alice',
  },
  { label: 'a pattern match', headers: { 'x-user-id': 'staff-1' }, query: 'user=staff-1' },
];

async function seeded(): Promise<Rollout> {
  const rollout = new Rollout(new MemoryBackend());
  await rollout.addFunc('everyone', { percentage: 100 });
  await rollout.addFunc('beta', { percentage: 0 });
  await rollout.register('beta', 'alice');
  await rollout.register('beta', /^staff-/);
  await rollout.addFunc('hidden', { percentage: 100, enabled: false });
  return rollout;
}

type Who = string | undefined;
type Call = (
  who: Who,
  query: string | undefined,
  headers: Record<string, string>,
) => Promise<{ check: request.Response; beta: request.Response }>;

function expressCall(rollout: Rollout, express: (typeof EXPRESS_VERSIONS)[number][1]): Call {
  return async (who, query, headers) => {
    const app = express();
    app.use((req: Request, _res: Response, next: NextFunction) => {
      if (who !== undefined) (req as { user?: { id: string } }).user = { id: who };
      next();
    });
    app.use(expressFeatures({ rollout }));
    app.get('/check', async (req: Request, res: Response) => {
      res.json({
        user: req.features.userId ?? null,
        enabled: req.features.enabled().sort(),
        beta: await rollout.isEnabled('beta'),
      });
    });
    app.get('/beta', expressRequire('beta'), (_req: Request, res: Response) => void res.send('beta'));
    const q = query ? `?${query}` : '';
    return {
      check: await request(app).get(`/check${q}`).set(headers),
      beta: await request(app).get(`/beta${q}`).set(headers),
    };
  };
}

function koaCall(rollout: Rollout, Koa: (typeof KOA_VERSIONS)[number][1]): Call {
  return async (who, query, headers) => {
    const app = new Koa();
    app.use(async (ctx: Context, next: Next) => {
      if (who !== undefined) ctx.state.user = { id: who };
      await next();
    });
    app.use(koaFeatures({ rollout }));
    const beta = koaRequire('beta');
    app.use(async (ctx: Context, next: Next) => {
      if (ctx.path === '/check') {
        ctx.body = {
          user: ctx.features.userId ?? null,
          enabled: ctx.features.enabled().sort(),
          beta: await rollout.isEnabled('beta'),
        };
      } else if (ctx.path === '/beta') {
        await beta(ctx as never, async () => void (ctx.body = 'beta'));
      } else await next();
    });
    const server = app.callback();
    const q = query ? `?${query}` : '';
    return {
      check: await request(server).get(`/check${q}`).set(headers),
      beta: await request(server).get(`/beta${q}`).set(headers),
    };
  };
}

const FRAMEWORKS: Array<[string, (rollout: Rollout) => Call]> = [
  ...EXPRESS_VERSIONS.map(([label, express]): [string, (r: Rollout) => Call] => [
    label,
    (r) => expressCall(r, express),
  ]),
  ...KOA_VERSIONS.map(([label, Koa]): [string, (r: Rollout) => Call] => [label, (r) => koaCall(r, Koa)]),
];

describe.each(FRAMEWORKS)('request input on %s', (_label, make) => {
  let call: Call;
  beforeAll(async () => {
    call = make(await seeded());
  });

  it('turns beta on for the users the app authenticates as listed (the control)', async () => {
    for (const who of ['alice', 'staff-7']) {
      const { check, beta } = await call(who, undefined, {});
      expect(check.body).toEqual({ user: who, enabled: ['beta', 'everyone'], beta: true });
      expect(beta.status).toBe(200);
    }
  });

  it.each(HOSTILE)('keeps beta off for an anonymous request whatever its $label say', async ({ query, headers }) => {
    const { check, beta } = await call(undefined, query, headers ?? {});
    expect(check.status).toBe(200);
    expect(check.body).toEqual({ user: null, enabled: ['everyone'], beta: false });
    expect(beta.status).toBe(404);
  });

  it.each(HOSTILE)('keeps beta off for mallory whatever her $label say', async ({ query, headers }) => {
    const { check, beta } = await call('mallory', query, headers ?? {});
    expect(check.status).toBe(200);
    expect(check.body).toEqual({ user: 'mallory', enabled: ['everyone'], beta: false });
    expect(beta.status).toBe(404);
  });

  afterAll(() => {
    // Nothing in a query string reached Object.prototype.
    expect(({} as { id?: unknown; user?: unknown }).id).toBeUndefined();
    expect(({} as { id?: unknown; user?: unknown }).user).toBeUndefined();
  });
});
