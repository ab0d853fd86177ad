import type { AnyAttributes } from './user-context';

/**
 * Declares the application's feature names once, for every package: augment
 * it and `req.features`, `ctx.features` and `requireFeature()` accept only
 * those names, so a misspelt one is a compile error. Left alone, any string
 * is a feature name.
 *
 * Declare `attributes` too and the adapters' `user` resolver accepts only
 * contexts with those attributes (a misspelt one is a compile error); give
 * the same type to `Rollout` (`new Rollout<FeatureName, Attributes>()`)
 * and its rules are checked as well.
 *
 * @example
 * declare module '@hanoi/core' {
 *   interface Register {
 *     featureName: 'beta' | 'checkout';
 *     attributes: { country: string; plan: 'free' | 'pro' };
 *   }
 * }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- empty until an app augments it
export interface Register {}

/**
 * The feature names declared through `Register`, or `string` when none are.
 *
 * @example
 * function flag(name: FeatureName) { return req.features.isEnabled(name); }
 */
export type FeatureName = Register extends { featureName: infer Name extends string } ? Name : string;

/**
 * The attributes `R` declares (as `Register` does), or any attributes when it
 * declares none.
 *
 * @example
 * type Mine = AttributesOf<{ attributes: { country: string } }>; // { country: string }
 */
export type AttributesOf<R> = R extends { attributes: infer Attributes extends object } ? Attributes : AnyAttributes;

/**
 * The user attributes declared through `Register`, or any attributes when none are.
 *
 * @example
 * const user: UserContext<RegisteredAttributes> = { id: 'u1', country: 'NL' };
 */
export type RegisteredAttributes = AttributesOf<Register>;
