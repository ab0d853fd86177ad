import Router from '@koa/router';
import { features, requireFeature } from '@hanoi/koa';
import request from 'supertest';
import { KOA_VERSIONS, type KoaModule } from '../support/http-frameworks';
import { lookupsOfBetaRequests, startRedisRollout, type RedisRollout } from '../support/http-redis';

// Users registered in Redis, not in the process: each request's answers take
// one lookup (rollout.forUser), then every check in it is synchronous.
describe.each(KOA_VERSIONS)('%s with users kept in Redis', (_label, Koa: KoaModule) => {
  let redis: RedisRollout;
  beforeAll(async () => {
    redis = await startRedisRollout();
  });
  afterAll(() => redis.stop());

  function app() {
    const server = new Koa();
    server.use(features({ rollout: redis.rollout, user: (ctx) => ctx.get('x-test-user') || undefined }));
    const router = new Router();
    router.get('/beta', requireFeature('beta'), async (ctx) => {
      ctx.body = {
        user: ctx.features.userId,
        view: ctx.features.isEnabled('beta'),
        service: await redis.rollout.isEnabled('beta'),
      };
    });
    server.use(router.routes());
    return server.callback();
  }

  it('answers listed users from one lookup per request, whatever the number of checks', async () => {
    expect(await lookupsOfBetaRequests(redis, app())).toBe(3);
  });

  it('goes on without the store when Redis stops answering: listed users read as not listed', async () => {
    const server = app();
    redis.server.pause();
    try {
      const res = await request(server).get('/beta').set('x-test-user', 'alice');
      expect(res.status).toBe(404);
    } finally {
      redis.server.resume();
    }
    await request(server).get('/beta').set('x-test-user', 'alice').expect(200);
  });
});
