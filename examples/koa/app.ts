import Router from '@koa/router';
import { adminPage, features, requireFeature } from '@hanoi/koa';
import Koa, { type Context, type Next } from 'koa';
import mount from 'koa-mount';
import { createCatalog } from './catalog';
import { createRollout } from './rollout';

/**
 * The example app: every route shows one part of @hanoi/koa.
 *
 * @example
 * const app = await createApp();
 * app.listen(3000, '127.0.0.1');
 */
export async function createApp(): Promise<Koa> {
  const rollout = await createRollout();
  const catalog = createCatalog(rollout);
  const app = new Koa();

  // The app's error handler and 404 fallback, upstream of everything: a
  // denied guarded path leaves the response untouched and lands here too.
  app.use(async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (err) {
      ctx.status = 500;
      ctx.body = { error: (err as Error).message };
      return;
    }
    if (ctx.status === 404 && ctx.body === undefined) {
      ctx.body = { error: 'Not found' };
      ctx.status = 404; // setting a body made it 200
    }
  });

  // Stand-in for the auth layer. A real app identifies users with its own
  // authentication (koa-passport, a session, a verified token) and sets
  // ctx.state.user; trusting a header like this would let anyone claim to be anyone.
  // A browser signs in with /sign-in?as=staff-1, which sets a cookie.
  app.use(async (ctx: Context, next: Next) => {
    const id = ctx.get('x-user-id') || /^[\w-]+$/.exec(ctx.cookies.get('user') ?? '')?.[0];
    if (id) ctx.state.user = { id };
    await next();
  });

  // The admin page, for staff-* users only (koa-mount hands it the path below /flags).
  const staff = (ctx: Context) => (ctx.state.user?.id as string | undefined)?.match(/^staff-/)?.input ?? false;
  app.use(mount('/flags', adminPage({ rollout, authorize: staff })));

  // Reads ctx.state.user?.id by default; every request gets ctx.features.
  app.use(features({ rollout }));

  const router = new Router();
  // Only one plain id signs in: a repeated `as` (an array) signs out, as an empty or malformed one does.
  router.get('/sign-in', (ctx) => {
    const as = ctx.query.as;
    ctx.cookies.set('user', typeof as === 'string' && /^[\w-]+$/.test(as) ? as : '', { sameSite: 'lax' });
    ctx.redirect('/flags');
  });
  router.get('/', (ctx) => {
    ctx.body = { user: ctx.features.userId ?? null, features: ctx.features.enabled() };
  });

  // A percentage rollout, checked in the handler.
  router.get('/search', (ctx) => {
    ctx.body = { engine: ctx.features.isEnabled('new_search') ? 'new' : 'classic' };
  });

  // Listed users; everyone else gets the same 404 as for a path that does not exist.
  router.get('/dashboard', requireFeature('beta_dashboard'), (ctx) => {
    ctx.body = { dashboard: 'beta', user: ctx.features.userId };
  });

  // A pattern, guarded with an explicit 403.
  router.get('/staff', requireFeature('staff_tools', { status: 403 }), (ctx) => {
    ctx.body = { tools: ['refunds', 'impersonate'] };
  });

  // An experiment: each user always sees the same variant (ctx.state.features is the same object).
  router.get('/checkout', (ctx) => {
    ctx.body = { button: ctx.state.features.variant('checkout') ?? 'grey' };
  });

  // A service that reads the current user from the context, not from ctx.
  router.get('/recommendations', async (ctx) => {
    ctx.body = await catalog.recommendations();
  });

  app.use(router.routes()).use(router.allowedMethods());
  return app;
}
