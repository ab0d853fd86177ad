/**
 * Patterns that take exponential time on a backtracking engine, each with a
 * user id that triggers it and the answer it must give. The answers are
 * worked out by hand (a backtracking engine cannot check them: it would not
 * finish), and each feature is at 0%, so only its pattern can turn it on.
 */
export interface EvilCase {
  feature: string;
  pattern: RegExp;
  id: string;
  on: boolean;
}

export const EVIL_CASES: readonly EvilCase[] = [
  // The case: the id ends in '!', so no run of a's reaches the end.
  { feature: 'redos-nested-plus', pattern: /(a+)+$/, id: `${'a'.repeat(50)}!`, on: false },
  { feature: 'redos-nested-plus', pattern: /(a+)+$/, id: 'a'.repeat(50), on: true },
  { feature: 'redos-nested-plus', pattern: /(a+)+$/, id: `${'a'.repeat(511)}!`, on: false },
  { feature: 'redos-alternation', pattern: /^(a|aa)+$/, id: `${'a'.repeat(60)}b`, on: false },
  { feature: 'redos-same-branch', pattern: /(a|a)*b/, id: 'a'.repeat(200), on: false },
  { feature: 'redos-double-plus', pattern: /(x+x+)+y/, id: 'x'.repeat(200), on: false },
  { feature: 'redos-repeat', pattern: /(.*a){12}/, id: `${'a'.repeat(50)}!`, on: true },
  { feature: 'redos-words', pattern: /^(\w+\s?)*$/, id: `${'word '.repeat(40)}!`, on: false },
];

/**
 * Patterns a linear-time engine cannot run: back-references and look-around.
 * Registering one is an `InvalidArgumentError`.
 */
export const UNRUNNABLE_PATTERNS: readonly RegExp[] = [
  /(a)\1/,
  /(?<x>a)\k<x>/,
  /(?=a)a/,
  /(?!a)b/,
  /(?<=a)b/,
  /(?<!a)b/,
];

/** What the child reports for one evil case: the answer through each entry point. */
export interface EvilAnswer {
  feature: string;
  id: string;
  isEnabled: boolean;
  forUser: boolean;
  explain: boolean;
  guard: 'ran' | 'denied';
}
