import { features, requireFeature } from '@hanoi/express';
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

  // Stand-in for the auth layer. A real app identifies users with its own
  // authentication (Passport, a session, a verified token) and sets req.user;
  // trusting a header like this would let anyone claim to be anyone.
  app.use((req, _res, next) => {
    const id = req.header('x-user-id');
    if (id) (req as Request & { user?: { id: string } }).user = { id };
    next();
  });

  // Reads req.user?.id by default; every request gets req.features.
  app.use(features({ rollout }));

  app.get('/', (req, res) => {
    res.json({ user: req.features.userId ?? null, features: req.features.enabled() });
  });

  // A percentage rollout, checked in the handler.
  app.get('/search', (req, res) => {
    res.json({ engine: req.features.isEnabled('new_search') ? 'new' : 'classic' });
  });

  // Listed users; everyone else gets the same 404 as for a path that does not exist.
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

  // The app's own 404 and error handlers: a denied guarded path lands in the 404 one.
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'Not found' });
  });
  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ error: err.message });
  });
  return app;
}
