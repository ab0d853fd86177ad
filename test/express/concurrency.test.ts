import { features, requireFeature } from '@hanoi/express';
import request from 'supertest';
import { EXPRESS_VERSIONS, listen, sleep, watchUnhandled } from '../support/http-frameworks';
import { expected, loadRollout, REQUESTS, service, userOf } from '../support/http-load';

describe.each(EXPRESS_VERSIONS)('%s under concurrent requests', (_label, express) => {
  it(`keeps ${REQUESTS} requests in flight apart, evaluating each feature once per request`, async () => {
    const watch = watchUnhandled();
    const { rollout, reads } = await loadRollout();
    const app = express();
    // Stand-in auth: a real app has its auth layer here.
    app.use((req, _res, next) => {
      const id = req.header('x-test-user');
      if (id) (req as { user?: { id: string } }).user = { id };
      next();
    });
    app.use(features({ rollout }));
    app.get('/work', requireFeature('everyone'), async (req, res, next) => {
      try {
        await sleep(Math.floor(Math.random() * 25));
        const fromService = await service(rollout);
        const handler = {
          current: rollout.getCurrentId() ?? null,
          beta: req.features.isEnabled('beta'),
          checkout: req.features.isEnabled('checkout'),
          variant: req.features.variant('cdc_on') ?? null,
        };
        res.json({ user: req.features.userId ?? null, handler, service: fromService });
      } catch (err) {
        next(err);
      }
    });
    const server = await listen(app);
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
