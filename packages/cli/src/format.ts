import type { FeatureSnapshot, FeatureState, PatternSpec, Variant } from '@hanoi/core';

/** A feature without its users: what most commands print after a change. */
export interface FeatureSummary {
  name: string;
  enabled: boolean;
  percentage: number;
  patterns: PatternSpec[];
  variants: Variant[];
}

/**
 * A pattern the way it is typed in JavaScript: `/01$/i`.
 *
 * @example
 * formatPattern({ source: '01$', flags: 'i' }); // '/01$/i'
 */
export function formatPattern(pattern: PatternSpec): string {
  return `/${pattern.source}/${pattern.flags}`;
}

/**
 * Variants the way `--variants` takes them: `control,new`, or
 * `control=90,new=10` when the weights differ.
 *
 * @example
 * formatVariants([{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }]); // 'a,b'
 */
export function formatVariants(variants: readonly Variant[]): string {
  if (variants.length === 0) return '-';
  const even = variants.every((variant) => variant.weight === variants[0]!.weight);
  return variants.map((variant) => (even ? variant.name : `${variant.name}=${variant.weight}`)).join(',');
}

/**
 * The plain fields of a feature, from what the process holds (`rollout.peek`)
 * or from a snapshot.
 *
 * @example
 * summarize(rollout.peek('beta')!); // { name: 'beta', enabled: true, percentage: 10, patterns: [], variants: [] }
 */
export function summarize(feature: FeatureState | FeatureSnapshot): FeatureSummary {
  return {
    name: feature.name,
    enabled: feature.enabled,
    percentage: feature.percentage,
    patterns: feature.patterns.map(({ source, flags }) => ({ source, flags })),
    variants: feature.variants.map(({ name, weight, value }) =>
      value === undefined ? { name, weight } : { name, weight, value },
    ),
  };
}

/**
 * One line about a feature, for people.
 *
 * @example
 * summaryLine(summary); // 'beta: on, 10%, variants control,new'
 */
export function summaryLine(summary: FeatureSummary): string {
  const parts = [summary.enabled ? 'on' : 'off', `${summary.percentage}%`];
  if (summary.variants.length > 0) parts.push(`variants ${formatVariants(summary.variants)}`);
  if (summary.patterns.length > 0) parts.push(`patterns ${summary.patterns.map(formatPattern).join(' ')}`);
  return `${summary.name}: ${parts.join(', ')}`;
}
