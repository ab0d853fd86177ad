import { InvalidArgumentError } from './errors';
import type { JsonValue } from './feature';

/** The largest JSON a variant's `value` may take, in UTF-8 bytes once serialised. */
export const MAX_VARIANT_VALUE_BYTES = 16 * 1024;
/** How deeply a variant's `value` may nest arrays and objects. */
export const MAX_VARIANT_VALUE_DEPTH = 32;

/**
 * Checks a variant's `value`: plain JSON (null, booleans, finite numbers,
 * strings, arrays and plain objects of those), at most 16 KiB serialised and
 * 32 levels deep. Returns a frozen copy, so what the caller keeps changing
 * changes nothing stored; anything else is an `InvalidArgumentError` naming
 * `variant value`.
 *
 * @example
 * normalizeVariantValue({ color: 'green' }, 'new'); // { color: 'green' }, frozen
 */
export function normalizeVariantValue(value: unknown, variant: string): JsonValue {
  const budget = { nodes: MAX_VARIANT_VALUE_BYTES };
  const problem = notJson(value, 0, budget);
  const refuse = (why: string) =>
    new InvalidArgumentError(
      'variant value',
      value,
      `The value of variant ${JSON.stringify(variant)} is plain JSON of at most ${MAX_VARIANT_VALUE_BYTES} bytes: ${why}.`,
    );
  if (problem) throw refuse(problem);
  const text = JSON.stringify(value);
  if (Buffer.byteLength(text, 'utf8') > MAX_VARIANT_VALUE_BYTES) throw refuse(`this one is ${text.length} characters`);
  return deepFreeze(JSON.parse(text) as JsonValue);
}

/**
 * A fresh, unfrozen copy of a JSON value (own `__proto__` keys stay plain keys).
 *
 * @example
 * const mine = cloneJson(variant.value);
 */
export function cloneJson<T extends JsonValue | undefined>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** Why `value` is not plain JSON, or `undefined` when it is. */
function notJson(value: unknown, depth: number, budget: { nodes: number }): string | undefined {
  if (--budget.nodes < 0) return 'it is too large';
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${value} is not a JSON number`;
  if (typeof value !== 'object') return `a ${typeof value} is not JSON`;
  if (depth >= MAX_VARIANT_VALUE_DEPTH)
    return `it nests deeper than ${MAX_VARIANT_VALUE_DEPTH} levels (or refers to itself)`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return 'an array with holes is not JSON';
      const problem = notJson(value[i], depth + 1, budget);
      if (problem) return problem;
    }
    return undefined;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    return `a ${(value as object).constructor?.name ?? 'class instance'} is not plain JSON (turn it into a string or an object first)`;
  }
  for (const key of Object.keys(value)) {
    const problem = notJson((value as Record<string, unknown>)[key], depth + 1, budget);
    if (problem) return `${JSON.stringify(key)}: ${problem}`;
  }
  return undefined;
}

function deepFreeze<T extends JsonValue>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
