import { FeatureDisabledError, FeatureNotFoundError, InvalidArgumentError, MissingUserError } from './errors';
import type { Rollout } from './rollout';
import { isContextObject, normalizeContext, type User } from './user-context';
import { normalizeUserId } from './validate';

/** Where a guard finds the user (an id or a context): a 1-based argument position, or a function of the arguments. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any guarded function's arguments: unknown[] would not accept a typed (id: string) => ...
export type UserLocator = number | ((...args: any[]) => User<any> | undefined);

/**
 * What `rollout.check(name, position?)` returns: call it with a function to
 * get a guarded one (resolving to the function's result), or use it as a
 * standard decorator on an async method.
 */
export interface Guard {
  <This, Args extends unknown[], Result>(
    fn: (this: This, ...args: Args) => Result,
    context?: ClassMethodDecoratorContext<This>,
  ): (this: This, ...args: Args) => Promise<Awaited<Result>>;
}

/** @internal Builds the guard behind `rollout.check`. */
export function guard(rollout: Rollout<string>, name: string, position: UserLocator | undefined): Guard {
  if (position !== undefined && typeof position !== 'function' && !(Number.isInteger(position) && position >= 1)) {
    throw new InvalidArgumentError(
      'position',
      position,
      'A position is an argument number counted from 1, or a function of the arguments.',
    );
  }
  return function wrap<This, Args extends unknown[], Result>(fn: (this: This, ...args: Args) => Result) {
    if (typeof fn !== 'function') throw new TypeError(`rollout.check(${JSON.stringify(name)}) guards a function.`);
    return async function guarded(this: This, ...args: Args): Promise<Awaited<Result>> {
      const raw =
        position === undefined
          ? rollout.currentContext()
          : typeof position === 'number'
            ? (args[position - 1] as User | undefined)
            : position(...args);
      if (raw === undefined || raw === null) throw new MissingUserError(name);
      const user = isContextObject(raw) ? normalizeContext(raw) : normalizeUserId(raw);
      if (!rollout.peek(name)) throw new FeatureNotFoundError(name);
      if (!(await rollout.isEnabled(name, user))) {
        throw new FeatureDisabledError(name, typeof user === 'string' ? user : (user.id ?? '(no id)'));
      }
      return fn.apply(this, args) as Awaited<Result>;
    };
  };
}
