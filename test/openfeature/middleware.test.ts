import { MemoryBackend, Rollout } from '@hanoi/core';
import { features as expressFeatures } from '@hanoi/express';
import { features as koaFeatures } from '@hanoi/koa';
import type { Client } from '@openfeature/server-sdk';
import { OpenFeature } from '@openfeature/server-sdk';
import express from 'express';
import Koa from 'koa';
import request from 'supertest';
import { clientFor } from './provider-suite';

// Inside the Hanoi middleware, a flag read through OpenFeature with no
// targetingKey is the request's user's; concurrent requests never mix, and
// an explicit targetingKey still wins.

afterAll(async () => {
  await OpenFeature.clearProviders();
});

async function setUp(): Promise<{ rollout: Rollout; client: Client }> {
  const rollout = new Rollout(new MemoryBackend());
  await rollout.addFunc('beta', { percentage: 0, variants: [{ name: 'only', value: 'beta-layout' }] });
  await rollout.register('beta', ['alice', 'carol']);
  const { client } = await clientFor(rollout, 'middleware');
  return { rollout, client };
}

/** What a handler answers: read through OpenFeature after a wait, so requests overlap. */
async function answer(client: Client, wait: number) {
  await new Promise((resolve) => setTimeout(resolve, wait));
  return {
    beta: await client.getBooleanValue('beta', false),
    layout: await client.getStringValue('beta', 'classic'),
    forBob: await client.getBooleanValue('beta', true, { targetingKey: 'bob' }),
  };
}

const apps = {
  express: async () => {
    const { rollout, client } = await setUp();
    const app = express();
    app.use((req, _res, next) => {
      const id = req.header('x-user');
      if (id) (req as { user?: { id: string } }).user = { id };
      next();
    });
    app.use(expressFeatures({ rollout }));
    app.get('/', async (req, res) => void res.json(await answer(client, Number(req.query.wait ?? 0))));
    return app;
  },
  koa: async () => {
    const { rollout, client } = await setUp();
    const app = new Koa();
    app.use(async (ctx, next) => {
      const id = ctx.get('x-user');
      if (id) ctx.state.user = { id };
      await next();
    });
    app.use(koaFeatures({ rollout }));
    app.use(async (ctx) => {
      ctx.body = await answer(client, Number(ctx.query.wait ?? 0));
    });
    return app.callback();
  },
};

it.each(Object.keys(apps) as (keyof typeof apps)[])(
  "%s: each request's user, across awaits, with a targetingKey still winning",
  async (framework) => {
    const app = await apps[framework]();
    const users = ['alice', 'bob', 'carol', 'dave', 'alice', 'erin'];
    const replies = await Promise.all(
      users.map((id, i) =>
        request(app)
          .get(`/?wait=${(users.length - i) * 5}`)
          .set('x-user', id),
      ),
    );
    expect(replies.map((reply) => [reply.status, reply.body])).toEqual(
      users.map((id) => {
        const listed = id === 'alice' || id === 'carol';
        return [200, { beta: listed, layout: listed ? 'beta-layout' : 'classic', forBob: false }];
      }),
    );
    const anonymous = await request(app).get('/');
    expect(anonymous.body).toEqual({ beta: false, layout: 'classic', forBob: false });
  },
);
