/**
 * The feature names of the Express and Koa suites and examples, declared the
 * way an application declares its own (see packages/express/README.md).
 *
 * `pnpm typecheck` checks every test and example in one program, and an
 * application has one `Register`, so the names are declared once, here:
 * with them `req.features.isEnabled('betta')` or `requireFeature('betta')`
 * is a compile error (test/express/types.ts and test/koa/types.ts check it).
 */
export type HttpFeature =
  // test/express, test/koa
  | 'beta'
  | 'checkout'
  | 'hidden'
  | 'everyone'
  | 'admin_tools'
  | 'cdc_on'
  // examples/express, examples/koa
  | 'new_search'
  | 'beta_dashboard'
  | 'staff_tools'
  | 'recommendations';

/** The user attributes the Express and Koa suites' resolvers return (test/targeting/adapters.test.ts). */
export interface HttpAttributes {
  country: string;
  plan: 'free' | 'pro';
}

declare module '@hanoi/core' {
  interface Register {
    featureName: HttpFeature;
    attributes: HttpAttributes;
  }
}
