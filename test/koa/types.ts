/**
 * Type test, checked by `pnpm typecheck` (it never runs): what a user of
 * @hanoi/koa writes compiles without casts, `ctx.features` and
 * `ctx.state.features` are typed, and the feature names declared through
 * `Register` (test/support/http-register.ts) flow through, so a misspelt name
 * does not compile.
 */
import Router from '@koa/router';
import { MemoryBackend, Rollout, type FeatureName, type UserFeatures } from '@hanoi/core';
import { features, requireFeature, type NotFoundHandler, type RequireFeatureOptions } from '@hanoi/koa';
import Koa, { type Context, type Middleware } from 'koa';
import type { HttpFeature } from '../support/http-register';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const namesFlow: Equals<FeatureName, HttpFeature> = true;

const rollout = new Rollout<HttpFeature>(new MemoryBackend());
const app = new Koa();

const mw: Middleware = features({ rollout, user: (ctx) => ctx.get('x-user-id') || undefined });
app.use(mw);
app.use(features({ rollout: new Rollout(), user: async (ctx: Context) => ctx.state.user?.id as string | undefined }));

app.use(async (ctx, next) => {
  const view: UserFeatures<HttpFeature> = ctx.features;
  const same: UserFeatures<HttpFeature> = ctx.state.features;
  // @ts-expect-error a misspelt feature name does not compile
  ctx.features.isEnabled('betta');
  ctx.set('x-same', String(view === same));
  await next();
});

const router = new Router();
router.use(requireFeature('admin_tools', { status: 403 }));
router.get('/beta', requireFeature('beta'), (ctx) => {
  const on: boolean = ctx.features.isEnabled('beta');
  const variant: string | undefined = ctx.features.variant('checkout');
  const names: HttpFeature[] = ctx.state.features.enabled();
  ctx.body = { on, variant, names };
});
const options: RequireFeatureOptions = { rollout, onDenied: (ctx, next) => (ctx.path ? undefined : next()) };
router.get('/y', requireFeature('hidden', options));
app.use(router.routes());

// The app's own 404, named once for every guard, or for one.
const notFound: NotFoundHandler = (ctx) => {
  ctx.status = 404;
  ctx.body = { error: `No page at ${ctx.path}` };
};
app.use(features({ rollout, notFound }));
router.all('/admin/*rest', requireFeature('admin_tools', { notFound: async (ctx) => void (ctx.status = 404) }));
// @ts-expect-error a not-found answer gets no next: a denied request goes nowhere else
features({ rollout, notFound: (_ctx: Context, next: () => Promise<void>) => next() });

// @ts-expect-error a misspelt name in a guard does not compile
requireFeature('betta');
// @ts-expect-error status is a number
requireFeature('beta', { status: '403' });
// @ts-expect-error rollout is required
features({ user: () => 'x' });

export { namesFlow };
