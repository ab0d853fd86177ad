import { InvalidArgumentError } from './errors';
import type { Variant, VariantInput } from './feature';
import { normalizeVariantValue } from './variant-value';

/** The longest feature or variant name, in Unicode code points. */
export const MAX_NAME_LENGTH = 128;
/** The longest user id, in Unicode code points, once turned into a string. */
export const MAX_USER_ID_LENGTH = 512;
/** The most variants one feature may have. */
export const MAX_VARIANTS = 100;

// Whitespace and control characters: a name is typed on command lines and read in logs.
const FORBIDDEN_IN_NAME = /[\s\p{Cc}]/u;

function codePointLength(text: string, max: number): number {
  // Code points never outnumber UTF-16 units, so short strings need no count.
  return text.length <= max ? text.length : [...text].length;
}

/** The last name `assertName` passed (a valid name, never empty): the same string passes again. */
let lastValidName = '';

/**
 * Checks a feature name: 1..128 characters, no whitespace or control
 * characters. Returns it unchanged.
 *
 * @example
 * assertName('cdc_on'); // 'cdc_on'
 */
export function assertName(name: unknown, field = 'name'): string {
  if (name === lastValidName && name !== '') return name; // a run of writes to one feature checks its name once
  if (
    typeof name !== 'string' ||
    name.length === 0 ||
    codePointLength(name, MAX_NAME_LENGTH) > MAX_NAME_LENGTH ||
    FORBIDDEN_IN_NAME.test(name) ||
    !name.isWellFormed()
  ) {
    throw new InvalidArgumentError(
      field,
      name,
      `A ${field} is a string of 1 to ${MAX_NAME_LENGTH} characters with no whitespace or control characters.`,
    );
  }
  lastValidName = name;
  return name;
}

/**
 * Turns a user id into its canonical string: `42` and `'42'` are one user.
 * Strings of 1..512 characters and finite numbers are ids; anything else is
 * an `InvalidArgumentError`.
 *
 * @example
 * normalizeUserId(42); // '42'
 */
export function normalizeUserId(id: unknown, field?: string): string {
  // The common case first, in a few bytes the engine inlines into the check path; everything else below.
  if (typeof id === 'string' && id.length !== 0 && id.length <= MAX_USER_ID_LENGTH && id.isWellFormed() === true)
    return id;
  return normalizeOtherUserId(id, field ?? 'user id');
}

/** `normalizeUserId` for a number, a long string, or what is not an id (the error). */
function normalizeOtherUserId(id: unknown, field: string): string {
  let text: string;
  if (typeof id === 'string') text = id;
  else if (typeof id === 'number' && Number.isFinite(id)) text = String(id);
  else {
    throw new InvalidArgumentError(
      field,
      id,
      'A user id is a non-empty string or a finite number (NaN and Infinity are not ids).',
    );
  }
  if (text.length === 0 || codePointLength(text, MAX_USER_ID_LENGTH) > MAX_USER_ID_LENGTH || !text.isWellFormed()) {
    throw new InvalidArgumentError(
      field,
      id,
      `A user id is 1 to ${MAX_USER_ID_LENGTH} characters of well-formed Unicode.`,
    );
  }
  return text;
}

/**
 * Checks a percentage: an integer from 0 to 100 (a number, not a string).
 *
 * @example
 * assertPercentage(80); // 80
 */
export function assertPercentage(percentage: unknown): number {
  if (typeof percentage !== 'number' || !Number.isInteger(percentage) || percentage < 0 || percentage > 100) {
    throw new InvalidArgumentError('percentage', percentage, 'A percentage is an integer from 0 to 100.');
  }
  return percentage;
}

/**
 * Checks a boolean switch.
 *
 * @example
 * assertBoolean(true, 'enabled'); // true
 */
export function assertBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') {
    throw new InvalidArgumentError(field, value, `${field} is true or false.`);
  }
  return value;
}

/**
 * Normalises a variant list: names become `{ name, weight: 1 }`; names are
 * distinct and valid, weights finite and above zero; a `value` is plain
 * JSON (see `normalizeVariantValue`) and is kept as a frozen copy.
 *
 * @example
 * normalizeVariants(['a', { name: 'b', weight: 3, value: 'blue' }]); // [{ name: 'a', weight: 1 }, { name: 'b', weight: 3, value: 'blue' }]
 */
export function normalizeVariants(variants: unknown): Variant[] {
  if (!Array.isArray(variants) || variants.length > MAX_VARIANTS) {
    throw new InvalidArgumentError(
      'variants',
      variants,
      `Variants are an array of at most ${MAX_VARIANTS} names or { name, weight, value } objects.`,
    );
  }
  const seen = new Set<string>();
  return variants.map((input: VariantInput) => {
    const isObject = typeof input === 'object' && input !== null;
    const name = assertName(isObject ? input.name : input, 'variant name');
    const weight = isObject && input.weight !== undefined ? input.weight : 1;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0 || weight > 1e9) {
      throw new InvalidArgumentError(
        'variant weight',
        weight,
        `The weight of variant ${JSON.stringify(name)} is a number above 0 and at most 1e9.`,
      );
    }
    if (seen.has(name)) {
      throw new InvalidArgumentError('variants', name, 'Variant names are distinct: this one is listed twice.');
    }
    seen.add(name);
    if (!isObject || input.value === undefined) return { name, weight };
    return { name, weight, value: normalizeVariantValue(input.value, name) };
  });
}
