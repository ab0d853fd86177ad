import { cloneJson, type Variant } from '@hanoi/core';
import type { JsonValue } from '@openfeature/server-sdk';

/** The flag types that read a variant: OpenFeature's string, number and object flags. */
export type VariantFlagType = 'string' | 'number' | 'object';

/**
 * What `variant` gives a flag of `type`, or why it gives nothing (then the
 * resolution is `TYPE_MISMATCH`): a string flag reads a string `value`, or
 * the variant's name when it carries none; a number flag a finite number; an
 * object flag an object or an array, as a fresh copy the caller may change.
 *
 * @example
 * flagValue('string', { name: 'green', weight: 1 }); // { value: 'green' }
 * flagValue('number', { name: 'a', weight: 1, value: '5' }); // { mismatch: 'variant "a" carries "5", not a number' }
 */
export function flagValue(
  type: VariantFlagType,
  variant: Variant,
): { value: string | number | JsonValue; mismatch?: undefined } | { mismatch: string } {
  const { name, value } = variant;
  if (type === 'string' && value === undefined) return { value: name };
  if (type === 'string' && typeof value === 'string') return { value };
  if (type === 'number' && typeof value === 'number') return { value };
  if (type === 'object' && typeof value === 'object' && value !== null) return { value: cloneJson(value) };
  const carries = value === undefined ? 'no value' : JSON.stringify(value);
  return {
    mismatch: `Variant ${JSON.stringify(name)} carries ${carries}, not ${type === 'object' ? 'an object' : `a ${type}`}.`,
  };
}
