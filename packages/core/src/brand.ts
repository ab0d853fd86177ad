/**
 * Recognising hanoi's objects across copies of @hanoi/core. An app can load
 * core twice (its ESM build from `import` and its CJS build from a `require`
 * in an adapter, or two versions side by side), and each copy has its own
 * classes, so `instanceof` says no to an object the other copy made. A brand
 * registered with `Symbol.for` is the same symbol in every copy and every
 * realm, so these checks say yes to whichever copy made the object.
 */
import type { HanoiError } from './errors';
import type { UserFeatures } from './user-features';

/** Carried (on the prototype) by every `UserFeatures`. Do not change: other copies look for this key. */
export const USER_FEATURES_BRAND: unique symbol = Symbol.for('hanoi.UserFeatures');
/** Carried (on the prototype) by every `HanoiError`. Do not change: other copies look for this key. */
export const HANOI_ERROR_BRAND: unique symbol = Symbol.for('hanoi.HanoiError');

function branded(value: unknown, brand: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/**
 * Whether `value` is a `UserFeatures` from any copy of @hanoi/core: what the
 * guards check `req.features` / `ctx.features` with.
 *
 * @example
 * if (isUserFeatures(req.features)) req.features.isEnabled('beta');
 */
export function isUserFeatures<Name extends string = string>(value: unknown): value is UserFeatures<Name> {
  return branded(value, USER_FEATURES_BRAND);
}

/**
 * Whether `err` is a `HanoiError` from any copy of @hanoi/core, and, when
 * `code` is given, one with that code. Prefer it to `instanceof` wherever an
 * error may come from another package.
 *
 * @example
 * try { await rollout.setPercentage('beta', 10); }
 * catch (err) { if (isHanoiError(err, 'HANOI_FEATURE_NOT_FOUND')) await rollout.addFunc('beta', { percentage: 10 }); }
 */
export function isHanoiError(err: unknown, code?: string): err is HanoiError {
  return branded(err, HANOI_ERROR_BRAND) && (code === undefined || (err as HanoiError).code === code);
}
