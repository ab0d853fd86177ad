import { MAX_NAME_LENGTH, normalizeUserId } from '@hanoi/core';
import { InvalidContextError, type EvaluationContext } from '@openfeature/server-sdk';

/** A Hanoi attribute value: a string, a finite number, a boolean, a `Date` or an array of strings. */
export type HanoiAttribute = string | number | boolean | Date | readonly string[];

/** A Hanoi user as SPEC.md "Users with attributes" describes it: an optional id and attributes. */
export interface HanoiUserContext {
  id?: string;
  [attribute: string]: HanoiAttribute | undefined;
}

/**
 * Turns an OpenFeature evaluation context into a Hanoi user: `targetingKey`
 * is the id (checked as every id is), every other attribute is an
 * attribute. Attribute values are strings, finite numbers, booleans, valid
 * `Date`s and arrays of strings; names are 1..128 characters; `id` is
 * reserved (the id is `targetingKey`). An attribute left `undefined` is
 * absent. Anything else throws OpenFeature's `InvalidContextError`, which
 * the provider turns into the error code `INVALID_CONTEXT`.
 *
 * @example
 * toHanoiUser({ targetingKey: 'u1', country: 'NL', since: new Date() }); // { id: 'u1', country: 'NL', since: Date }
 */
export function toHanoiUser(context: EvaluationContext): HanoiUserContext {
  const user: HanoiUserContext = {};
  // for...in, not Object.keys: this runs on every evaluation. Contexts are plain objects.
  for (const name in context) {
    const value = context[name];
    if (value === undefined || !Object.hasOwn(context, name)) continue;
    if (name === 'targetingKey') {
      try {
        user.id = normalizeUserId(value, 'targetingKey');
      } catch (err) {
        throw new InvalidContextError((err as Error).message);
      }
    } else {
      user[name] = attribute(name, value);
    }
  }
  return user;
}

function attribute(name: string, value: unknown): HanoiAttribute {
  if (name === 'id') {
    throw new InvalidContextError('The attribute "id" is reserved: put the user id in targetingKey.');
  }
  if (name.length === 0 || [...name].length > MAX_NAME_LENGTH) {
    throw new InvalidContextError(`Attribute names are 1 to ${MAX_NAME_LENGTH} characters: ${JSON.stringify(name)}.`);
  }
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  throw new InvalidContextError(
    `Attribute ${JSON.stringify(name)} is a string, a finite number, a boolean, a valid Date or an array of strings; ` +
      `got ${describe(value)}.`,
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array that is not all strings';
  if (value instanceof Date) return 'an invalid Date';
  if (typeof value === 'number') return String(value);
  return `a${typeof value === 'object' ? 'n object' : ` ${typeof value}`}`;
}
