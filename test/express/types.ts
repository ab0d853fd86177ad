/**
 * Type test, checked by `pnpm typecheck` (it never runs): what a user of
 * @hanoi/express writes compiles without casts, and the feature names declared
 * through `Register` (test/support/http-register.ts) flow into `req.features`
 * and `requireFeature`, so a misspelt name does not compile.
 */
import {
  MemoryBackend,
  Rollout,
  type FeatureName,
  type RegisteredAttributes,
  type UserContext,
  type UserFeatures,
} from '@hanoi/core';
import { features, requireFeature, type NotFoundHandler, type RequireFeatureOptions } from '@hanoi/express';
import express, { type Request, type RequestHandler } from 'express';
import type { HttpFeature } from '../support/http-register';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const namesFlow: Equals<FeatureName, HttpFeature> = true;

const rollout = new Rollout<HttpFeature>(new MemoryBackend());
const untyped = new Rollout(new MemoryBackend());
const app = express();

const mw: RequestHandler = features({ rollout, user: (req) => req.header('x-user-id') });
app.use(mw);
app.use(features({ rollout: untyped, user: async (req: Request) => Number(req.params.id) }));
app.use(features({ rollout, user: () => null, logger: console }));

app.get('/beta', requireFeature('beta'), (req, res) => {
  const view: UserFeatures<HttpFeature> = req.features;
  const on: boolean = req.features.isEnabled('beta');
  const variant: string | undefined = req.features.variant('checkout');
  const names: HttpFeature[] = req.features.enabled();
  // @ts-expect-error a misspelt feature name does not compile
  req.features.isEnabled('betta');
  res.json({ view, on, variant, names });
});

const router: express.Router = express.Router();
router.use(requireFeature('admin_tools', { status: 403 }));
router.get('/x', requireFeature('beta', { onDenied: (req, res, next) => (req.path ? res.sendStatus(402) : next()) }));
const options: RequireFeatureOptions = { rollout, user: (req) => req.ip };
router.get('/y', requireFeature('hidden', options));

// The app's own 404, named once for every guard, or for one.
const notFound: NotFoundHandler = (req, res) => void res.status(404).json({ error: `No page at ${req.path}` });
app.use(features({ rollout, notFound }));
app.all('/admin/*rest', requireFeature('admin_tools', { notFound: async (_req, res) => void res.sendStatus(404) }));
// @ts-expect-error a not-found answer gets no next: a denied request goes nowhere else
features({ rollout, notFound: (_req: Request, _res: express.Response, next: () => void) => next() });

// @ts-expect-error a misspelt name in a guard does not compile
requireFeature('betta');
// @ts-expect-error status is a number
requireFeature('beta', { status: '403' });
// @ts-expect-error the resolver takes the request, not a string
features({ rollout, user: (req: string) => req });
// @ts-expect-error rollout is required
features({ user: () => 'x' });

// Attributes declared through Register (test/support/http-register.ts) type the resolver's context.
app.use(features({ rollout, user: (req) => ({ id: req.header('x-user-id'), country: 'NL', plan: 'pro' }) }));
app.use(features({ rollout, user: async () => ({ country: 'NL' }) }));
const typedContext: UserContext<RegisteredAttributes> = { id: 'u1', country: 'NL' };
app.use(features({ rollout, user: () => typedContext }));
// @ts-expect-error a misspelt attribute does not compile
const misspelt: UserContext<RegisteredAttributes> = { id: 'u1', contry: 'NL' };
// @ts-expect-error plan is 'free' or 'pro'
app.use(features({ rollout, user: () => ({ id: 'u1', plan: 'gold' }) }));

export { misspelt, namesFlow, router };
