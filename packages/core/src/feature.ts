import type { CompiledPattern, PatternSpec } from './pattern';

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
export interface FeatureOptions {
  /** An integer 0..100; default 0. */
  percentage?: number;
  /** Variants of an experiment; default none. */
  variants?: readonly VariantInput[];
  /** The master switch; default true. */
  enabled?: boolean;
}

/** Validated fields, as a backend receives them. */
export interface FeatureFields {
  enabled?: boolean;
  percentage?: number;
  variants?: Variant[];
}

/** A plain copy of a stored feature, as `getFunc` returns it. Changing it changes nothing stored. */
export interface FeatureSnapshot {
  name: string;
  enabled: boolean;
  percentage: number;
  users: string[];
  patterns: PatternSpec[];
  variants: Variant[];
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
  /** The registered users, when this process holds them; `undefined` when they live in the store. */
  readonly users: ReadonlySet<string> | undefined;
  /** Whether any user is registered: a lookup is skipped when none is. */
  readonly hasUsers: boolean;
}
