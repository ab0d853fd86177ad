import {
  assertName,
  assertPercentage,
  InvalidArgumentError,
  normalizeUserId,
  normalizeVariants,
  patternSpec,
  type Variant,
} from '@hanoi/core';

/**
 * A percentage as typed: digits only, checked by core's rule (an integer 0..100).
 *
 * @example
 * parsePercentage('10'); // 10
 * parsePercentage('50.5'); // throws InvalidArgumentError
 */
export function parsePercentage(text: string): number {
  return assertPercentage(/^-?\d+(?:\.\d+)?$/.test(text.trim()) ? Number(text) : text);
}

/**
 * A variant list as typed: `control,new`, weighted `control=90,new=10`, or a
 * JSON array (`'[{"name":"a,b","weight":1}]'`) for names that hold a comma.
 * A `=` splits off a weight only when what follows it is a number.
 *
 * @example
 * parseVariants('control=90,new=10'); // [{ name: 'control', weight: 90 }, { name: 'new', weight: 10 }]
 */
export function parseVariants(text: string): Variant[] {
  if (text.trimStart().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new InvalidArgumentError('variants', text, `A JSON variant list did not parse: ${(err as Error).message}.`);
    }
    return normalizeVariants(parsed);
  }
  return normalizeVariants(
    text.split(',').map((part) => {
      const match = /^(.*)=(\d+(?:\.\d+)?)$/.exec(part);
      return match ? { name: match[1]!, weight: Number(match[2]) } : part;
    }),
  );
}

/**
 * Patterns as typed (`--pattern '01$'`, `--flags i`), checked the way
 * `rollout.register` checks them (JavaScript's meaning, in linear time: no
 * back-references or look-around).
 *
 * @example
 * parsePatterns(['01$'], 'i'); // [/01$/i]
 */
export function parsePatterns(sources: readonly string[], flags = ''): RegExp[] {
  return sources.map((source) => {
    let pattern: RegExp;
    try {
      pattern = new RegExp(source, flags);
    } catch (err) {
      throw new InvalidArgumentError('pattern', source, `It is not a regular expression: ${(err as Error).message}.`);
    }
    patternSpec(pattern);
    return pattern;
  });
}

/**
 * User ids as typed, each checked (1 to 512 characters).
 *
 * @example
 * parseIds(['447568110000', '443301']); // ['447568110000', '443301']
 */
export function parseIds(ids: readonly string[]): string[] {
  return ids.map((id) => normalizeUserId(id));
}

/**
 * A feature name as typed, checked before anything connects.
 *
 * @example
 * parseName('beta'); // 'beta'
 */
export function parseName(name: string): string {
  return assertName(name);
}
