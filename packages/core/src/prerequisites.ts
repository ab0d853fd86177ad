import { InvalidArgumentError } from './errors';
import type { FeatureState } from './feature';
import { assertName } from './validate';

/**
 * A feature this one needs: on for the same user (or off, with
 * `enabled: false`), and, where `variants` is not empty, with one of them.
 */
export interface Prerequisite<Name extends string = string> {
  feature: Name;
  /** `true` (the default): the parent must be on; `false`: it must be off. */
  enabled?: boolean;
  /** The parent's variant must be one of these (ignored when empty). */
  variants?: readonly string[];
}

/** The most prerequisites one feature may have, and how deep a chain is followed. */
export const MAX_PREREQUISITES = 100;
export const MAX_CHAIN = 32;

/**
 * Checks a list of prerequisites and returns the plain form to store.
 *
 * @example
 * normalizePrerequisites([{ feature: 'new_ui' }]); // [{ feature: 'new_ui' }]
 */
export function normalizePrerequisites(input: unknown): Prerequisite[] {
  if (!Array.isArray(input) || input.length > MAX_PREREQUISITES) {
    throw new InvalidArgumentError(
      'requires',
      input,
      `requires is a list of at most ${MAX_PREREQUISITES} { feature, enabled?, variants? }.`,
    );
  }
  return input.map((raw: unknown, i) => {
    const field = `requires[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new InvalidArgumentError(field, raw, 'A prerequisite is { feature, enabled?, variants? }.');
    }
    const { feature, enabled, variants, ...rest } = raw as Record<string, unknown>;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined)
      throw new InvalidArgumentError(
        `${field}.${extra}`,
        rest[extra],
        'A prerequisite has feature, enabled and variants.',
      );
    const out: Prerequisite = { feature: assertName(feature, `${field}.feature`) };
    if (enabled !== undefined) {
      if (typeof enabled !== 'boolean')
        throw new InvalidArgumentError(`${field}.enabled`, enabled, 'enabled is true or false.');
      if (!enabled) out.enabled = false;
    }
    if (variants !== undefined) {
      if (!Array.isArray(variants))
        throw new InvalidArgumentError(`${field}.variants`, variants, 'variants is a list of variant names.');
      const names = variants.map((v: unknown, j) => assertName(v, `${field}.variants[${j}]`));
      if (names.length > 0 && out.enabled === false) {
        throw new InvalidArgumentError(
          `${field}.variants`,
          variants,
          'A prerequisite that must be off has no variant to match.',
        );
      }
      if (names.length > 0) out.variants = names;
    }
    return out;
  });
}

/**
 * The chain that `name` requiring `requires` would close into a cycle
 * (`['a', 'b', 'a']`), or `undefined` when there is none.
 *
 * @example
 * findCycle('a', [{ feature: 'b' }], (n) => backend.peek(n)); // ['a', 'b', 'a'] when b requires a
 */
export function findCycle(
  name: string,
  requires: readonly Prerequisite[],
  peek: (name: string) => FeatureState | undefined,
): string[] | undefined {
  const seen = new Set<string>();
  const walk = (path: string[], parents: readonly Prerequisite[]): string[] | undefined => {
    for (const { feature } of parents) {
      if (feature === name) return [...path, feature];
      if (seen.has(feature)) continue;
      seen.add(feature);
      const found = walk([...path, feature], peek(feature)?.targeting?.requires ?? []);
      if (found) return found;
    }
    return undefined;
  };
  return walk([name], requires);
}

/**
 * The features among `names` whose prerequisites name `feature`.
 *
 * @example
 * dependents('new_ui', backend.knownNames(), (n) => backend.peek(n)); // ['checkout']
 */
export function dependents(
  feature: string,
  names: readonly string[],
  peek: (name: string) => FeatureState | undefined,
): string[] {
  return names.filter((n) => n !== feature && peek(n)?.targeting?.requires.some((p) => p.feature === feature));
}
