import type { Constraint } from './constraints';
import { InvalidArgumentError } from './errors';
import { normalizeConstraints } from './rules';
import type { AnyAttributes, UserId } from './user-context';

/** What `defineSegment` takes: listed users and/or constraints. */
export interface SegmentDefinition<Attributes extends object = AnyAttributes> {
  /** Units that are in the segment. */
  users?: readonly UserId[];
  /** When given (and not empty), a context that satisfies all of them is in the segment too. */
  constraints?: readonly Constraint<Attributes>[];
}

/** Validated segment fields, as a backend receives them. */
export interface SegmentFields {
  users?: string[];
  constraints?: Constraint[];
}

/** A plain copy of a stored segment, as `getSegment` returns it. */
export interface SegmentSnapshot {
  name: string;
  users: string[];
  constraints: Constraint[];
}

/**
 * A segment as this process evaluates it: plain data, held in memory. On a
 * store whose users processes do not hold, `users` is `undefined` and a
 * request looks the unit up in the store (in its one round trip).
 */
export interface SegmentState {
  readonly name: string;
  /** The listed units, when this process holds them; `undefined` when they live in the store. */
  readonly users: ReadonlySet<string> | undefined;
  /** Whether the segment lists any unit: a lookup is skipped when it lists none. */
  readonly hasUsers: boolean;
  readonly constraints: readonly Constraint[];
  /**
   * The store could not read the segment (a damaged entry): whether a unit
   * is in it is not known, so an `IN_SEGMENT` constraint on it fails,
   * inverted or not (a guard that cannot decide denies).
   */
  readonly unknown?: boolean;
}

/**
 * Checks a segment's constraints: as a rule's, but they cannot name other
 * segments (a segment is one level deep).
 *
 * @example
 * normalizeSegmentConstraints([{ attribute: 'plan', operator: 'IN', values: ['pro'] }]);
 */
export function normalizeSegmentConstraints(constraints: unknown): Constraint[] {
  return normalizeConstraints(constraints, 'constraints', (name) => {
    throw new InvalidArgumentError(
      'constraints',
      name,
      'A segment is one level deep: its constraints cannot use IN_SEGMENT.',
    );
  });
}
