import { InvalidArgumentError, normalizeContext, type Context } from '@hanoi/core';

/**
 * Collects repeated `--attr name=value` options (commander's reducer).
 *
 * @example
 * program.option('--attr <name=value>', 'an attribute', collectAttribute, []);
 */
export function collectAttribute(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * The user a command checks: the id alone, or, with `--attr name=value`
 * options, a context `{ id, name: value, ... }` (values are strings; rules
 * read numeric, date and version strings as such). An option without `=`
 * or an invalid attribute is an `InvalidArgumentError` (exit 2).
 *
 * @example
 * userWithAttributes('u1', ['country=NL', 'plan=pro']); // { id: 'u1', country: 'NL', plan: 'pro' }
 */
export function userWithAttributes(
  id: string | undefined,
  attributes: readonly string[],
): string | Context | undefined {
  if (attributes.length === 0) return id;
  const context: Record<string, string> = {};
  for (const option of attributes) {
    const at = option.indexOf('=');
    if (at <= 0) throw new InvalidArgumentError('attr', option, 'Write --attr name=value, e.g. --attr country=NL.');
    const name = option.slice(0, at);
    if (name === 'id')
      throw new InvalidArgumentError('attr', option, 'Give the id as the user argument, not --attr id=...');
    context[name] = option.slice(at + 1);
  }
  return normalizeContext(id === undefined ? context : { ...context, id });
}
