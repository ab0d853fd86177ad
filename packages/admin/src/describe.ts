import type { Explanation } from '@hanoi/core';

/** What the list needs to say about a feature. */
export interface FeatureFacts {
  enabled: boolean;
  percentage: number;
  /** How many users are listed; `undefined` when only the store knows (some are). */
  users: number | undefined;
  patterns: number;
  variants: number;
  /** How many attribute rules it has (none when left out). */
  rules?: number;
}

/**
 * `3 listed users`, `1 pattern`.
 *
 * @example
 * count(1, 'pattern'); // '1 pattern'
 */
export function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * A feature's state in words: "on for 25% of users, 3 listed users, 1 pattern, 2 rules".
 *
 * @example
 * describeFeature({ enabled: true, percentage: 100, users: 0, patterns: 0, variants: 0 }); // 'on for everyone'
 */
export function describeFeature(facts: FeatureFacts): string {
  const who: string[] = [];
  if (facts.percentage > 0) who.push(`${facts.percentage}% of users`);
  if (facts.users === undefined) who.push('listed users');
  else if (facts.users > 0) who.push(count(facts.users, 'listed user'));
  if (facts.patterns > 0) who.push(count(facts.patterns, 'pattern'));
  if ((facts.rules ?? 0) > 0) who.push(count(facts.rules!, 'rule'));
  const variants = facts.variants > 0 ? `; ${count(facts.variants, 'variant')}` : '';
  let words: string;
  if (facts.percentage === 100) words = 'on for everyone';
  else if (who.length === 0) words = 'on for nobody yet (0% and nobody listed)';
  else words = `on for ${who.join(', ')}`;
  if (!facts.enabled) return `switched off: off for everyone (when on: ${words})${variants}`;
  return words + variants;
}

/**
 * Why a feature is on or off for a user, in a sentence.
 *
 * @example
 * explainInWords('alice', { enabled: true, reason: 'listed' }); // 'On: alice is a listed user.'
 */
export function explainInWords(user: string, why: Explanation): string {
  switch (why.reason) {
    case 'unknown':
      return 'Off: there is no such feature.';
    case 'disabled':
      return 'Off: the feature is switched off, so nobody has it, listed users included.';
    case 'prerequisite':
      return `Off: the feature it requires, ${why.prerequisite}, is not as required for ${user}.`;
    case 'denied':
      return `Off: ${user} is on the deny list.`;
    case 'rule':
      return `On: ${user} meets rule #${why.rule.index}${why.rule.name === undefined ? '' : ` (${why.rule.name})`}.`;
    case 'no-user':
      return why.enabled ? 'On: the feature is on for everyone.' : 'Off: no user was given.';
    case 'everyone':
      return 'On: the feature is on for everyone (100%).';
    case 'listed':
      return `On: ${user} is a listed user.`;
    case 'pattern':
      return `On: ${user} matches the pattern /${why.pattern.source}/${why.pattern.flags}.`;
    case 'bucket':
      return why.enabled
        ? `On: ${user} falls in bucket ${why.bucket}, and buckets 0 to ${why.percentage - 1} have it (${why.percentage}%).`
        : `Off: ${user} is not listed, matches no pattern, and falls in bucket ${why.bucket}; ` +
            (why.percentage === 0
              ? 'at 0% no bucket has it.'
              : `only buckets 0 to ${why.percentage - 1} have it (${why.percentage}%).`);
  }
}
