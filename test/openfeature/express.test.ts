import { MemoryBackend, Rollout } from '@hanoi/core';
import { features } from '@hanoi/express';
import express from 'express';
import request from 'supertest';
import { clientFor } from './provider-suite';
import { OpenFeature } from '@openfeature/server-sdk';

// Inside the Hanoi middleware, a flag read through OpenFeature with no
// targetingKey is the request's user's; concurrent requests never mix.

afterAll(async () => {
  await OpenFeature.clearProviders();
});

it("reads each request's user, across awaits, with a targetingKey still winning", async () => {
  const rollout = new Rollout(new MemoryBackend());
  await rollout.addFunc('beta', { percentage: 0, variants: [{ name: 'only', value: 'beta-layout' }] });
  await rollout.register('beta', ['alice', 'carol']);
  const { client } = await clientFor(rollout, 'express');
  const app = express();
  app.use((req, _res, next) => {
    const id = req.header('x-user');
    if (id) (req as { user?: { id: string } }).user = { id };
    next();
  });
  app.use(features({ rollout }));
  app.get('/', async (req, res) => {
    await new Promise((resolve) => setTimeout(resolve, Number(req.query.wait ?? 0)));
    res.json({
      beta: await client.getBooleanValue('beta', false),
      layout: await client.getStringValue('beta', 'classic'),
      forBob: await client.getBooleanValue('beta', true, { targetingKey: 'bob' }),
    });
  });
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
});
