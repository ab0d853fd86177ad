import { createAdminHandler, mountBase, readForm, type AdminOptions } from '@hanoi/admin';
import type { Context, Middleware } from 'koa';

/** Options of `adminPage()` on Koa: `authorize(ctx)` gets the context. */
export type AdminPageOptions = AdminOptions<Context>;

/**
 * The admin page: the feature list, each feature's page, a new-feature
 * form, "why is it on for this user?" and delete. Mount it with koa-mount,
 * which hands it the path below the mount point:
 * `app.use(mount('/flags', adminPage(...)))`. `authorize(ctx)` is required
 * and names who is signed in, or returns `false` for a 403. Forms post and
 * redirect (no JavaScript needed), each write checked for its Origin and
 * CSRF token. Behind a TLS-terminating proxy, set `app.proxy = true` so the
 * Origin check sees the public address.
 *
 * @example
 * app.use(mount('/flags', adminPage({ rollout, authorize: (ctx) => ctx.state.user?.email ?? false })));
 */
export function adminPage(options: AdminPageOptions): Middleware {
  const handle = createAdminHandler(options);
  return async function hanoiAdminPage(ctx: Context): Promise<void> {
    const url = new URL(ctx.url, 'http://localhost');
    const answer = await handle(
      {
        method: ctx.method,
        path: url.pathname,
        base: mountBase(new URL(ctx.originalUrl, 'http://localhost').pathname, url.pathname),
        query: url.searchParams,
        headers: {
          origin: ctx.get('Origin') || undefined,
          referer: ctx.get('Referer') || undefined,
          contentType: ctx.get('Content-Type') || undefined,
        },
        origin: `${ctx.protocol}://${ctx.host}`,
        readForm: () => readForm(ctx.get('Content-Type'), (ctx.request as { body?: unknown }).body, ctx.req),
      },
      ctx,
    );
    ctx.status = answer.status;
    ctx.set(answer.headers);
    ctx.body = answer.body;
  };
}
