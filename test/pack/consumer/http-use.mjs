// A tiny real use of an HTTP adapter (@hanoi/express or @hanoi/koa) from one
// build (esm or cjs), over a real connection on 127.0.0.1. Usage:
//   node http-use.mjs <express|koa> <esm|cjs> [core build: esm|cjs]
// The app's own @hanoi/core comes from the third argument's build (by default
// the adapter's), so an ESM app can use a CJS adapter and the reverse.
// Prints { alice, bob, anonymous }: each request's status and body, as JSON.
import { createRequire } from 'node:module';

const [framework, build, coreBuild = build] = process.argv.slice(2);
const loader = (kind) => (kind === 'cjs' ? createRequire(import.meta.url) : (name) => import(name));
const core = await loader(coreBuild)('@hanoi/core');
const adapter = await loader(build)(`@hanoi/${framework}`);

const rollout = new core.Rollout(new core.MemoryBackend());
await rollout.addFunc('beta', { percentage: 0 });
await rollout.register('beta', 'alice');

const answer = (features) => ({ beta: features.isEnabled('beta'), current: rollout.getCurrentId() ?? null });
let server;
if (framework === 'express') {
  const express = (await import('express')).default;
  const app = express();
  app.use(adapter.features({ rollout, user: (req) => req.get('x-user') }));
  app.get('/beta', adapter.requireFeature('beta'), (req, res) => res.json(answer(req.features)));
  server = app.listen(0, '127.0.0.1');
} else if (framework === 'koa') {
  const Koa = (await import('koa')).default;
  const app = new Koa();
  const gate = adapter.requireFeature('beta');
  app.use(adapter.features({ rollout, user: (ctx) => ctx.get('x-user') || undefined }));
  app.use(async (ctx, next) => {
    if (ctx.path !== '/beta') return next();
    await gate(ctx, async () => {
      ctx.body = answer(ctx.features);
    });
  });
  server = app.listen(0, '127.0.0.1');
} else {
  throw new Error(`http-use.mjs: unknown framework ${framework}`);
}
await new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject));

const { port } = server.address();
async function get(user) {
  const response = await fetch(`http://127.0.0.1:${port}/beta`, { headers: user ? { 'x-user': user } : {} });
  const text = await response.text();
  return {
    status: response.status,
    body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null,
  };
}
try {
  process.stdout.write(
    JSON.stringify({ alice: await get('alice'), bob: await get('bob'), anonymous: await get(undefined) }),
  );
} finally {
  server.close();
  server.closeAllConnections?.();
}
