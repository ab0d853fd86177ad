/**
 * The admin page mounted at /flags in each framework major, behind the same
 * stand-in auth as the examples (`x-user-id` header; staff-* ids may
 * administer), listening on 127.0.0.1, with helpers to read a page's CSRF
 * token and post a form as a browser would.
 */
import { adminPage as expressAdminPage, type AdminPageOptions as ExpressOptions } from '@hanoi/express';
import { adminPage as koaAdminPage, type AdminPageOptions as KoaOptions } from '@hanoi/koa';
import { MemoryBackend, Rollout } from '@hanoi/core';
import mount from 'koa-mount';
import request from 'supertest';
import { EXPRESS_VERSIONS, KOA_VERSIONS, listen, type ExpressModule, type KoaModule } from './http-frameworks';

export interface AdminAppOptions {
  readOnly?: boolean;
  banner?: string;
  /** Trust the proxy in front: Express `trust proxy`, Koa `app.proxy`. */
  trustProxy?: boolean;
  /** Mount a body parser before the page (Express only). */
  bodyParser?: 'urlencoded' | 'json';
  /** Where to mount; '/flags' by default. */
  at?: string;
}

export interface AdminApp {
  rollout: Rollout;
  url: string;
  agent: ReturnType<typeof request>;
  close(): Promise<void>;
}

/** One signing key for every app here, so a token from one app is good on another (as behind a load balancer). */
export const SHARED_SECRET = 'a shared secret of at least 32 characters';

/** Who may administer, in these apps: ids starting with staff-. */
export function staffOnly(id: string | undefined): string | false {
  return id?.startsWith('staff-') ? id : false;
}

/** An app as `listen()` takes it: Express's app or Koa's `app.callback()`. */
type Maker = (rollout: Rollout, options: AdminAppOptions) => Parameters<typeof listen>[0];

function expressMaker(express: ExpressModule): Maker {
  return (rollout, options) => {
    const app = express();
    if (options.trustProxy) app.set('trust proxy', 'loopback');
    app.use((req, _res, next) => {
      const id = req.get('x-user-id');
      if (id) Object.assign(req, { user: { id } });
      next();
    });
    if (options.bodyParser === 'urlencoded') app.use(express.urlencoded({ extended: false }));
    if (options.bodyParser === 'json') app.use(express.json());
    const admin: ExpressOptions = {
      rollout,
      authorize: (req) => staffOnly((req as { user?: { id: string } }).user?.id),
      readOnly: options.readOnly,
      banner: options.banner,
      secret: SHARED_SECRET,
    };
    app.use(options.at ?? '/flags', expressAdminPage(admin));
    return app;
  };
}

function koaMaker(Koa: KoaModule): Maker {
  return (rollout, options) => {
    const app = new Koa();
    if (options.trustProxy) app.proxy = true;
    app.use(async (ctx, next) => {
      const id = ctx.get('x-user-id');
      if (id) ctx.state.user = { id };
      await next();
    });
    const admin: KoaOptions = {
      rollout,
      authorize: (ctx) => staffOnly(ctx.state.user?.id),
      readOnly: options.readOnly,
      banner: options.banner,
      secret: SHARED_SECRET,
    };
    const page = koaAdminPage(admin);
    app.use(options.at === '/' ? page : mount(options.at ?? '/flags', page));
    return app.callback();
  };
}

/** Every framework major, by name. */
export const ADMIN_FRAMEWORKS: [string, Maker][] = [
  ...EXPRESS_VERSIONS.map(([name, module]): [string, Maker] => [name, expressMaker(module)]),
  ...KOA_VERSIONS.map(([name, module]): [string, Maker] => [name, koaMaker(module)]),
];

/**
 * Starts an app with the admin page on a fresh in-memory rollout.
 *
 * @example
 * const app = await startAdminApp(maker, { readOnly: true });
 */
export async function startAdminApp(
  maker: Maker,
  options: AdminAppOptions = {},
  rollout = new Rollout(new MemoryBackend()),
): Promise<AdminApp> {
  const server = await listen(maker(rollout, options));
  return { rollout, url: server.url, agent: request(server.url), close: server.close };
}

/** The CSRF token in a page's forms. */
export function tokenIn(page: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(page);
  if (!match) throw new Error('no CSRF token in the page');
  return match[1]!;
}

/** Reads a page as `user` and returns its token. */
export async function tokenFor(app: AdminApp, user: string, path = '/flags/new'): Promise<string> {
  const res = await app.agent.get(path).set('x-user-id', user).expect(200);
  return tokenIn(res.text);
}

/**
 * Posts a form as a browser on the app's own origin would, signed in as
 * `staff-1`; `headers` override (or with `undefined`, drop) any of that.
 */
export async function postForm(
  app: AdminApp,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string | undefined> = {},
): Promise<request.Response> {
  const all: Record<string, string | undefined> = { 'x-user-id': 'staff-1', origin: app.url, ...headers };
  let req = app.agent.post(path).type('form');
  for (const [key, value] of Object.entries(all)) if (value !== undefined) req = req.set(key, value);
  return req.send(new URLSearchParams(fields).toString());
}
