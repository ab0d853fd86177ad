import Router from '@koa/router';
import { MemoryBackend, Rollout, type FeatureName } from '@hanoi/core';
import { features as expressFeatures, requireFeature as expressGuard } from '@hanoi/express';
import { features as koaFeatures, requireFeature as koaGuard } from '@hanoi/koa';
import request from 'supertest';
import { EXPRESS_VERSIONS, KOA_VERSIONS, recordingLogger } from '../support/http-frameworks';

/** 'beta' is on for Dutch pro users; the resolver builds the context from what the auth layer set. */
async function makeRollout(): Promise<Rollout<FeatureName>> {
  const rollout = new Rollout<FeatureName>(new MemoryBackend());
  await rollout.addFunc('beta', {
    rules: [
      {
        name: 'Dutch pros',
        constraints: [
          { attribute: 'country', operator: 'IN', values: ['NL'] },
          { attribute: 'plan', operator: 'IN', values: ['pro'] },
        ],
      },
    ],
  });
  return rollout;
}

/** The user as the test's stand-in auth layer gives it: JSON in a header (an app would read a session). */
function userFrom(header: string | undefined): unknown {
  return header === undefined ? undefined : JSON.parse(header);
}

const dutchPro = JSON.stringify({ id: 'u1', country: 'NL', plan: 'pro' });
const germanPro = JSON.stringify({ id: 'u2', country: 'DE', plan: 'pro' });
const badCountry = JSON.stringify({ id: 'u3', country: { code: 'NL' }, plan: 'pro' });
const badId = JSON.stringify({ id: '', country: 'NL', plan: 'pro' });

/** The same cases on every framework: `serve` builds an app whose guarded route answers { user, explain }. */
function resolverCases(serve: (rollout: Rollout<FeatureName>, logger: ReturnType<typeof recordingLogger>) => Server) {
  it('a rule on the context decides the guard and the request view', async () => {
    const server = serve(await makeRollout(), recordingLogger());
    const res = await request(server).get('/beta').set('x-user', dutchPro).expect(200);
    expect(res.body).toEqual({
      user: 'u1',
      explain: { enabled: true, reason: 'rule', rule: { index: 0, name: 'Dutch pros' } },
    });
    await request(server).get('/beta').set('x-user', germanPro).expect(404);
  });

  it('an invalid attribute is dropped (it counts as missing), an invalid id is anonymous: one warning per kind, no failed request', async () => {
    const logger = recordingLogger();
    const server = serve(await makeRollout(), logger);
    for (let i = 0; i < 3; i++) {
      await request(server).get('/beta').set('x-user', badCountry).expect(404);
      const res = await request(server).get('/beta').set('x-user', badId).expect(200);
      expect(res.body.user).toBeNull();
    }
    expect(logger.warnings).toHaveLength(2);
    expect(logger.warnings.filter((w) => w.includes('HANOI_INVALID_ATTRIBUTE'))).toHaveLength(1);
    expect(logger.warnings.filter((w) => w.includes('HANOI_INVALID_USER_ID'))).toHaveLength(1);
    expect(logger.errors).toEqual([]);
  });
}

type Server = Parameters<typeof request>[0];

describe.each(EXPRESS_VERSIONS)('the user resolver may return a context, on %s', (_label, express) => {
  resolverCases((rollout, logger) => {
    const server = express();
    server.use(expressFeatures({ rollout, logger, user: (req) => userFrom(req.header('x-user')) as never }));
    server.get('/beta', expressGuard('beta'), (req, res) => {
      res.json({ user: req.features.userId ?? null, explain: req.features.explain('beta') });
    });
    return server;
  });
});

describe.each(KOA_VERSIONS)('the user resolver may return a context, on %s', (_label, Koa) => {
  resolverCases((rollout, logger) => {
    const server = new Koa();
    const router = new Router();
    server.use(
      koaFeatures({ rollout, logger, user: async (ctx) => userFrom(ctx.get('x-user') || undefined) as never }),
    );
    router.get('/beta', koaGuard('beta'), (ctx) => {
      ctx.body = { user: ctx.features.userId ?? null, explain: ctx.features.explain('beta') };
    });
    server.use(router.routes());
    return server.callback();
  });
});
