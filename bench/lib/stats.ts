/**
 * Small statistics for benchmark rounds: medians and spreads of samples, and
 * the ratio of one case to a baseline.
 */

/**
 * The median of `samples` (the mean of the middle two for an even count).
 *
 * @example
 * median([5, 1, 3]); // 3
 */
export function median(samples: readonly number[]): number {
  return quantile(samples, 0.5);
}

/**
 * The `q` quantile (0..1) of `samples`, interpolating between neighbours.
 *
 * @example
 * quantile([1, 2, 3, 4, 5], 0.9); // 4.6
 */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) throw new RangeError('quantile(samples): there are no samples; run at least one round.');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile(samples, q): q is between 0 and 1, got ${q}.`);
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

/**
 * The spread of `samples` around their median, as a fraction of it:
 * (max - min) / median. Useful to tell a steady figure from a noisy one.
 *
 * @example
 * spread([90, 100, 110]); // 0.2
 */
export function spread(samples: readonly number[]): number {
  const mid = median(samples);
  return mid === 0 ? 0 : (Math.max(...samples) - Math.min(...samples)) / mid;
}

/**
 * A figure in nanoseconds, to three significant digits.
 *
 * @example
 * formatNs(1234.5); // '1230'
 * formatNs(12.345); // '12.3'
 */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return String(ns);
  if (ns >= 1000) return String(Math.round(Number(ns.toPrecision(3))));
  return ns.toPrecision(3);
}

/**
 * A ratio such as `1.42x`.
 *
 * @example
 * formatRatio(300, 200); // '1.50x'
 */
export function formatRatio(value: number, baseline: number): string {
  if (!(baseline > 0)) return 'n/a';
  return `${(value / baseline).toFixed(2)}x`;
}
