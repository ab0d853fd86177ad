import { adminPage, features, requireFeature } from '@hanoi/express';
import { HanoiProvider } from '@hanoi/openfeature';
import { OpenFeature } from '@openfeature/server-sdk';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { createCatalog } from './catalog';
import { createRollout } from './rollout';

/**
 * The example app: every route shows one part of @hanoi/express.
 *
 * @example
 * const app = await createApp();
 * app.listen(3000, '127.0.0.1');
 */
export async function createApp(): Promise<Express> {
  const rollout = await createRollout();
  const catalog = createCatalog(rollout);
  const app = express();
  // The app's own answer for a path it does not have: the catch-all at the end,
  // and what every denied guard answers (named once, in features() below).
  const notFound = (_req: Request, res: Response) => {
    res.status(404).json({ error: 'Not found' });
  };

  // Stand-in for the auth layer. A real app identifies users with its own
  // authentication (Passport, a session, a verified token) and sets req.user;
  // trusting a header like this would let anyone claim to be anyone. A browser
  // signs in with /sign-in?as=staff-1, which sets a cookie.
  app.use((req, _res, next) => {
    const id = req.header('x-user-id') ?? /(?:^|; )user=([\w-]+)/.exec(req.header('cookie') ?? '')?.[1];
    if (id) (req as Request & { user?: { id: string } }).user = { id };
    next();
  });
  // Only one plain id signs in: a repeated or nested `as` (an array or an
  // object in req.query) signs out, as an empty or malformed one does.
  app.get('/sign-in', (req, res) => {
    const as = req.query.as;
    res.cookie('user', typeof as === 'string' && /^[\w-]+$/.test(as) ? as : '', {
      httpOnly: true,
      sameSite: 'lax',
    });
    res.redirect('/flags');
  });

  // The admin page, for staff-* users only.
  const staff = (req: Request) =>
    (req as Request & { user?: { id: string } }).user?.id.match(/^staff-/)?.input ?? false;
  app.use('/flags', adminPage({ rollout, authorize: staff }));

  // Reads req.user?.id by default; every request gets req.features.
  app.use(features({ rollout, notFound }));

  app.get('/', (req, res) => {
    res.json({ user: req.features.userId ?? null, features: req.features.enabled() });
  });

  // A percentage rollout, checked in the handler.
  app.get('/search', (req, res) => {
    res.json({ engine: req.features.isEnabled('new_search') ? 'new' : 'classic' });
  });

  // Listed users; everyone else gets the same 404 as for a path that does not exist,
  // and nothing after the guard runs for them.
  app.get('/dashboard', requireFeature('beta_dashboard'), (req, res) => {
    res.json({ dashboard: 'beta', user: req.features.userId });
  });

  // A pattern, guarded with an explicit 403.
  app.get('/staff', requireFeature('staff_tools', { status: 403 }), (_req, res) => {
    res.json({ tools: ['refunds', 'impersonate'] });
  });

  // An experiment: each user always sees the same variant.
  app.get('/checkout', (req, res) => {
    res.json({ button: req.features.variant('checkout') ?? 'grey' });
  });

  // The same features through OpenFeature: with no targetingKey, the request's user.
  await OpenFeature.setProviderAndWait(new HanoiProvider(rollout));
  app.get('/openfeature/search', async (_req, res) => {
    const flags = OpenFeature.getClient();
    res.json({ engine: (await flags.getBooleanValue('new_search', false)) ? 'new' : 'classic' });
  });

  // A service that reads the current user from the context, not from req.
  app.get('/recommendations', async (_req, res, next) => {
    try {
      res.json(await catalog.recommendations());
    } catch (err) {
      next(err);
    }
  });

  // The app's own 404 and error handlers.
  app.use(notFound);
  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ error: err.message });
  });
  return app;
}
