import Router from '@koa/router';
import { features, requireFeature } from '@hanoi/koa';
import type { Context, Next } from 'koa';
import request from 'supertest';
import { KOA_VERSIONS, listen, sleep, watchUnhandled, type KoaModule } from '../support/http-frameworks';
import { expected, loadRollout, REQUESTS, service, userOf } from '../support/http-load';

describe.each(KOA_VERSIONS)('%s under concurrent requests', (_label, Koa: KoaModule) => {
  it(`keeps ${REQUESTS} requests in flight apart, evaluating each feature once per request`, async () => {
    const watch = watchUnhandled();
    const { rollout, reads } = await loadRollout();
    const app = new Koa();
    // Stand-in auth: a real app has its auth layer here.
    app.use(async (ctx: Context, next: Next) => {
      const id = ctx.get('x-test-user');
      if (id) ctx.state.user = { id };
      await next();
    });
    app.use(features({ rollout }));
    const router = new Router();
    router.get('/work', requireFeature('everyone'), async (ctx) => {
      await sleep(Math.floor(Math.random() * 25));
      const fromService = await service(rollout);
      const handler = {
        current: rollout.getCurrentId() ?? null,
        beta: ctx.features.isEnabled('beta'),
        checkout: ctx.state.features.isEnabled('checkout'),
        variant: ctx.features.variant('cdc_on') ?? null,
      };
      ctx.body = { user: ctx.features.userId ?? null, handler, service: fromService };
    });
    app.use(router.routes());
    const server = await listen(app.callback());
    try {
      const responses = await Promise.all(
        Array.from({ length: REQUESTS }, (_, i) => {
          const id = userOf(i);
          const req = request(server.url).get('/work');
          return id === undefined ? req : req.set('x-test-user', id);
        }),
      );
      for (const [i, res] of responses.entries()) {
        expect(res.status).toBe(200);
        expect(res.body).toEqual(await expected(rollout, i));
      }
      for (let i = 0; i < REQUESTS; i += 1) {
        const id = userOf(i);
        if (id === undefined) continue;
        for (const name of ['everyone', 'beta', 'checkout', 'cdc_on'])
          expect([id, name, reads.get(`${id} ${name}`)]).toEqual([id, name, 1]);
      }
      expect(watch.reasons).toEqual([]);
    } finally {
      watch.stop();
      await server.close();
    }
  });
});
