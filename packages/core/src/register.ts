/**
 * Declares the application's feature names once, for every package: augment
 * it and `req.features`, `ctx.features` and `requireFeature()` accept only
 * those names, so a misspelt one is a compile error. Left alone, any string
 * is a feature name.
 *
 * @example
 * declare module '@hanoi/core' {
 *   interface Register {
 *     featureName: 'beta' | 'checkout';
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
