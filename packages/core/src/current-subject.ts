import { currentUser } from './context';
import type { FeatureState } from './feature';
import { isContextObject, normalizeContext, type Context, type User } from './user-context';
import { normalizeUserId } from './validate';

/** The context of a user with no id and no attributes. */
export const EMPTY_CONTEXT: Context = Object.freeze(Object.create(null));

/**
 * Whom a call is for: the id and, for a user given with attributes, the
 * checked context; with no user, the current one.
 *
 * @example
 * subjectOf({ id: 42, country: 'NL' }); // ['42', { id: '42', country: 'NL' }]
 */
export function subjectOf(user: User<object> | undefined): [string | undefined, Context | undefined] {
  if (isContextObject(user)) {
    const context = normalizeContext(user);
    return [context.id, context];
  }
  if (user === undefined) {
    const store = currentUser();
    return [store?.id, store?.context];
  }
  return [normalizeUserId(user), undefined];
}

/**
 * The context to evaluate `state` on when the answer needs one (the user has
 * attributes, or the feature has targeting); `undefined` for the fast path
 * of a plain id on a feature without targeting.
 *
 * @example
 * contextFor(state, 'u1'); // undefined when state has no targeting
 */
export function contextFor(state: FeatureState | undefined, user: User<object> | undefined): Context | undefined {
  if (isContextObject(user)) return normalizeContext(user);
  if (user === undefined) {
    const store = currentUser();
    if (store?.context) return store.context;
    if (!state?.targeting) return undefined;
    return store?.id === undefined ? EMPTY_CONTEXT : normalizeContext(store.id);
  }
  return state?.targeting ? normalizeContext(user) : undefined;
}
