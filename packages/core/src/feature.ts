import type { CompiledPattern, PatternSpec } from './pattern';
import type { Prerequisite } from './prerequisites';
import type { Rule } from './rules';
import type { Targeting } from './targeting';
import type { AnyAttributes } from './user-context';
import type { NamePrefix } from './variant-hash';

/** A JSON value: what a variant may carry, and what survives every store unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * One variant of an experiment and its share; weights are relative. `value`,
 * when present, is what the variant hands out (a string, a number, a JSON
 * object: what OpenFeature reads for string, number and object flags).
 */
export interface Variant {
  name: string;
  weight: number;
  value?: JsonValue;
}

/** A variant as callers give it: a name (weight 1) or `{ name, weight?, value? }`. */
export type VariantInput = string | { name: string; weight?: number; value?: JsonValue };

/** The fields `addFunc` takes; fields left out keep their stored value (or default). */
export interface FeatureOptions<
  Name extends string = string,
  Attributes extends object = AnyAttributes,
> extends TargetingOptions<Name, Attributes> {
  /** An integer 0..100; default 0. */
  percentage?: number;
  /** Variants of an experiment; default none. */
  variants?: readonly VariantInput[];
  /** The master switch; default true. */
  enabled?: boolean;
}

/** The targeting fields of `addFunc`; a backend without targeting refuses them (`HANOI_UNSUPPORTED`). */
export interface TargetingOptions<Name extends string = string, Attributes extends object = AnyAttributes> {
  /** The attribute the feature decides on (listed users, deny list, patterns, bucket, variant); default `'id'`. */
  by?: (keyof Attributes & string) | 'id';
  /** Ordered rules: the feature is on for a context any of them holds for. */
  rules?: readonly Rule<Attributes>[];
  /** Features that must be on (or off) for the same user first. */
  requires?: readonly Prerequisite<Name>[];
}

/** Validated fields, as a backend receives them. */
export interface FeatureFields {
  enabled?: boolean;
  percentage?: number;
  variants?: Variant[];
  /** Targeting (plain data); only for backends with targeting. */
  by?: string;
  rules?: Rule[];
  requires?: Prerequisite[];
}

/** A plain copy of a stored feature, as `getFunc` returns it. Changing it changes nothing stored. */
export interface FeatureSnapshot {
  name: string;
  enabled: boolean;
  percentage: number;
  users: string[];
  patterns: PatternSpec[];
  variants: Variant[];
  /** The unit, when not `'id'`. */
  by?: string;
  /** The rules, when there are any. */
  rules?: Rule[];
  /** The deny list, when not empty. */
  deny?: string[];
  /** The prerequisites, when there are any. */
  requires?: Prerequisite[];
}

/**
 * A feature as this process evaluates it: held in memory, ready to answer
 * synchronously. Backends build these; `users` is absent when the backend
 * keeps registered users in the store and looks them up per user.
 */
export interface FeatureState {
  readonly name: string;
  readonly enabled: boolean;
  readonly percentage: number;
  readonly patterns: readonly CompiledPattern[];
  readonly variants: readonly Variant[];
  /** @internal What picking a variant needs, worked out when the state is built; absent from a state built elsewhere. */
  readonly variantPick?: VariantPick;
  /** The registered users, when this process holds them; `undefined` when they live in the store. */
  readonly users: ReadonlySet<string> | undefined;
  /** Whether any user is registered: a lookup is skipped when none is. */
  readonly hasUsers: boolean;
  /** Rules, deny list, prerequisites and unit; absent when the feature has none of them (the fast path). */
  readonly targeting?: Targeting;
}

/**
 * @internal What picking a feature's variant needs, worked out once per state rather than once per check: the sum
 * of the variants' weights, and the variant hash's state after the feature's name, `FeatureState.name` (`undefined`
 * for a name that is not ASCII).
 */
export interface VariantPick {
  /** The variants it was worked out for: a state whose variants are another array does not use it. */
  readonly variants: readonly Variant[];
  readonly weight: number;
  readonly prefix: NamePrefix | undefined;
}
