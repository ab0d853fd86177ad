import { InvalidArgumentError } from './errors';
import { MAX_NAME_LENGTH, normalizeUserId } from './validate';

/** A user id as callers give it: a string, or a finite number (`42` is `'42'`). */
export type UserId = string | number;

/** What an attribute of a user may be: a string, a finite number, a boolean, a `Date`, or a list of strings. */
export type AttributeValue = string | number | boolean | Date | readonly string[];

/**
 * Attributes when the application declares none: any name. The values are
 * checked when a context is given (an `InvalidArgumentError` names a bad
 * one); typed as `any` here because TypeScript lets an interface (an app's
 * `interface Account { id: string; country: string }`) be passed where
 * `{ [name: string]: any }` is expected, and nowhere else.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above: only `any` accepts an app's interface
export type AnyAttributes = { [attribute: string]: any };

/**
 * A user with attributes: `{ id: 'u1', country: 'NL', plan: 'pro' }`. The id
 * is optional (an anonymous visitor may still have a country). `Attributes`
 * names the attributes a context may carry; a misspelt one is a compile error
 * when they are declared.
 */
export type UserContext<Attributes extends object = AnyAttributes> = { id?: UserId } & {
  [Key in keyof Attributes]?: Attributes[Key] | null;
};

/** Whom a check is for: an id, or a context with attributes. */
export type User<Attributes extends object = AnyAttributes> = UserId | UserContext<Attributes>;

/**
 * A user context once checked: a frozen object with no prototype, the id (if
 * any) a string, every other attribute a valid value. What rules read.
 */
export type Context = { readonly id?: string } & { readonly [attribute: string]: AttributeValue | undefined };

/** The longest list of strings one attribute may hold. */
export const MAX_ATTRIBUTE_VALUES = 1000;

/** Why an attribute value is refused, or `undefined` when it is valid. */
type Problem = string | undefined;

function attributeProblem(value: unknown): Problem {
  switch (typeof value) {
    case 'string':
      return value.isWellFormed() ? undefined : 'A string attribute is well-formed Unicode.';
    case 'number':
      return Number.isFinite(value) ? undefined : 'A number attribute is finite (NaN and Infinity are not values).';
    case 'boolean':
      return undefined;
    case 'object':
      if (value instanceof Date) {
        return Number.isNaN(value.getTime()) ? 'A Date attribute is a valid date.' : undefined;
      }
      if (Array.isArray(value)) {
        if (value.length > MAX_ATTRIBUTE_VALUES)
          return `A list attribute holds at most ${MAX_ATTRIBUTE_VALUES} strings.`;
        return value.every((item) => typeof item === 'string' && item.isWellFormed())
          ? undefined
          : 'A list attribute holds only strings.';
      }
  }
  return 'An attribute is a string, a finite number, a boolean, a Date or a list of strings.';
}

function nameProblem(name: string): Problem {
  return name.length === 0 || [...name].length > MAX_NAME_LENGTH || !name.isWellFormed()
    ? `An attribute name is 1 to ${MAX_NAME_LENGTH} characters.`
    : undefined;
}

function copyValue(value: AttributeValue): AttributeValue {
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value)) return Object.freeze([...value]);
  return value;
}

/** Whether `user` is given as a context object rather than a plain id. */
export function isContextObject(user: unknown): user is Record<string, unknown> {
  return typeof user === 'object' && user !== null && !(user instanceof Date) && !Array.isArray(user);
}

/**
 * Checks a user given through the API and returns its context: a plain id
 * `x` is `{ id: x }`. An invalid id, attribute name or value is an
 * `InvalidArgumentError` naming it. `undefined` and `null` attributes count
 * as missing and are left out.
 *
 * @example
 * normalizeContext({ id: 42, country: 'NL' }); // { id: '42', country: 'NL' }
 */
export function normalizeContext(user: unknown): Context {
  if (!isContextObject(user)) return Object.freeze(Object.assign(Object.create(null), { id: normalizeUserId(user) }));
  const context: Record<string, AttributeValue> = Object.create(null);
  for (const name of Object.keys(user)) {
    const value = user[name];
    if (value === undefined || value === null) continue;
    const problem = nameProblem(name);
    if (problem) throw new InvalidArgumentError('attribute name', name, problem);
    if (name === 'id') {
      context.id = normalizeUserId(value);
      continue;
    }
    const valueProblem = attributeProblem(value);
    if (valueProblem) throw new InvalidArgumentError(`attribute ${name}`, value, valueProblem);
    context[name] = copyValue(value as AttributeValue);
  }
  return Object.freeze(context) as Context;
}

/**
 * Like `normalizeContext`, for what an application's resolver returned on a
 * request: an invalid attribute is left out (it counts as missing) and an
 * invalid id makes the user anonymous, each reported through `warn` with the
 * kind of problem (`'id'`, `'attribute'`). Never throws.
 *
 * @example
 * sanitizeContext({ id: 'u1', country: {} }, (kind, message) => log.warn(message)); // { id: 'u1' }
 */
export function sanitizeContext(user: unknown, warn: (kind: 'id' | 'attribute', message: string) => void): Context {
  if (!isContextObject(user)) return Object.freeze(Object.create(null));
  const context: Record<string, AttributeValue> = Object.create(null);
  for (const name of Object.keys(user)) {
    const value = user[name];
    if (value === undefined || value === null) continue;
    if (name === 'id') {
      try {
        context.id = normalizeUserId(value);
      } catch {
        warn('id', `the id is a ${typeof value} that is not a user id; the user is anonymous`);
      }
      continue;
    }
    const problem = nameProblem(name) ?? attributeProblem(value);
    if (problem) {
      warn('attribute', `attribute ${JSON.stringify(name.slice(0, 40))} is left out: ${problem}`);
      continue;
    }
    context[name] = copyValue(value as AttributeValue);
  }
  return Object.freeze(context) as Context;
}

/**
 * The string a feature decides on for `context`: `String(context[by])`
 * (a `Date` as its ISO string); `undefined` when the context has no such
 * attribute or it is a list.
 *
 * @example
 * unitOf({ id: 'u1', companyId: 7 }, 'companyId'); // '7'
 */
export function unitOf(context: Context, by: string): string | undefined {
  const value = context[by];
  if (value === undefined || Array.isArray(value)) return undefined;
  if (value instanceof Date) return value.toISOString();
  const text = String(value);
  return text.length === 0 ? undefined : text;
}
