import { createAdminHandler, mountBase, readForm, type AdminOptions } from '@hanoi/admin';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Options of `adminPage()` on Express: `authorize(req)` gets the request. */
export type AdminPageOptions = AdminOptions<Request>;

/**
 * The host the request was addressed to, as Express 5's `req.host` reads it
 * (Express 4's drops the port): `X-Forwarded-Host` only when the app trusts
 * the proxy (`app.set('trust proxy', ...)`), else `Host`.
 */
function requestHost(req: Request): string {
  const trust = req.app.get('trust proxy fn') as ((address: string | undefined, i: number) => boolean) | undefined;
  const forwarded = req.get('X-Forwarded-Host');
  if (forwarded && trust?.(req.socket.remoteAddress, 0)) return forwarded.split(',')[0]!.trim();
  return req.get('Host') ?? '';
}

/**
 * The admin page: the feature list, each feature's page, a new-feature
 * form, "why is it on for this user?" and delete, mounted where the app
 * likes. `authorize(req)` is required and names who is signed in, or
 * returns `false` for a 403. Forms post and redirect (no JavaScript needed),
 * each write checked for its Origin and CSRF token. Behind a TLS-terminating
 * proxy, set Express's `trust proxy` so the Origin check sees the public address.
 *
 * @example
 * app.use('/flags', adminPage({ rollout, authorize: (req) => (req.user?.admin ? req.user.email : false) }));
 */
export function adminPage(options: AdminPageOptions): RequestHandler {
  const handle = createAdminHandler(options);
  return function hanoiAdminPage(req: Request, res: Response, next: NextFunction): void {
    const url = new URL(req.url, 'http://localhost');
    const request = {
      method: req.method,
      path: url.pathname,
      base: mountBase(new URL(req.originalUrl, 'http://localhost').pathname, url.pathname),
      query: url.searchParams,
      headers: { origin: req.get('Origin'), referer: req.get('Referer'), contentType: req.get('Content-Type') },
      origin: `${req.protocol}://${requestHost(req)}`,
      readForm: () => readForm(req.get('Content-Type'), (req as { body?: unknown }).body, req),
    };
    handle(request, req).then((answer) => {
      res.status(answer.status).set(answer.headers);
      if (req.method === 'HEAD') res.end();
      else res.send(answer.body);
    }, next);
  };
}
