import { RE2JS } from 're2js';
import { InvalidArgumentError } from './errors';

/** A stored pattern: a regular expression's source and flags (`g` and `y` dropped). */
export interface PatternSpec {
  source: string;
  flags: string;
}

/** A pattern ready to match, in linear time. */
export interface CompiledPattern extends PatternSpec {
  /** True when the pattern matches anywhere in `userId` (an unanchored search). */
  test(userId: string): boolean;
}

const MAX_SOURCE_LENGTH = 1024;
const KEPT_FLAGS = 'imsu';

/**
 * Turns a RegExp into the spec that backends store: `g` and `y` are dropped
 * because they make a match depend on the previous one, `d` because it only
 * changes what a match reports. The `v` flag is refused.
 *
 * @example
 * patternSpec(/01$/gi); // { source: '01$', flags: 'i' }
 */
export function patternSpec(pattern: RegExp): PatternSpec {
  if (pattern.flags.includes('v')) {
    // The v flag changes the syntax (set operations, \q{...}); dropped, the
    // source would run as another pattern, so it is refused instead.
    throw new InvalidArgumentError('pattern flags', String(pattern), 'The v flag is not supported: use the u flag.');
  }
  const flags = [...pattern.flags].filter((flag) => KEPT_FLAGS.includes(flag)).sort().join('');
  const spec = { source: pattern.source, flags };
  compilePattern(spec);
  return spec;
}

/**
 * Compiles a stored pattern with RE2JS, a linear-time engine, so no pattern
 * and no user id can make a check run away (`(a+)+$` answers in microseconds).
 * Features RE2 cannot run in linear time (back-references, look-around) are
 * rejected with an `InvalidArgumentError`.
 *
 * @example
 * compilePattern({ source: '01$', flags: '' }).test('444401'); // true
 */
export function compilePattern(spec: PatternSpec): CompiledPattern {
  const { source, flags } = spec;
  if (typeof source !== 'string' || source.length > MAX_SOURCE_LENGTH) {
    throw new InvalidArgumentError(
      'pattern',
      source,
      `A pattern's source is a string of at most ${MAX_SOURCE_LENGTH} characters.`,
    );
  }
  if (typeof flags !== 'string' || [...flags].some((flag) => !KEPT_FLAGS.includes(flag))) {
    throw new InvalidArgumentError('pattern flags', flags, `Flags are drawn from "${KEPT_FLAGS}".`);
  }
  if (hasNamedBackReference(source)) {
    throw new InvalidArgumentError(
      'pattern',
      `/${source}/${flags}`,
      'Patterns run on a linear-time engine (RE2), which has no back-references (\\k<name>); write k without a backslash for a literal k.',
    );
  }
  let re: RE2JS;
  try {
    let options = 0;
    if (flags.includes('i')) options |= RE2JS.CASE_INSENSITIVE;
    if (flags.includes('m')) options |= RE2JS.MULTILINE;
    if (flags.includes('s')) options |= RE2JS.DOTALL;
    re = RE2JS.compile(RE2JS.translateRegExp(source), options);
  } catch (err) {
    throw new InvalidArgumentError(
      'pattern',
      `/${source}/${flags}`,
      `Patterns run on a linear-time engine (RE2), which has no back-references or look-around: ${
        (err as Error).message
      }.`,
    );
  }
  return { source, flags, test: (userId) => re.test(userId) };
}

// re2js's translateRegExp turns the named back-reference `\k<x>` into the
// literal `k<x>` instead of failing, so `/(?<x>a)\k<x>/` would silently match
// 'ak<x>' rather than 'aa'. Any `\k` escape is refused before translation
// (outside a named back-reference it only means a literal `k`).
function hasNamedBackReference(source: string): boolean {
  for (let i = 0; i < source.length - 1; i++) {
    if (source[i] !== '\\') continue;
    if (source[i + 1] === 'k') return true;
    i++; // skip the escaped character, so `\\k` (a backslash, then k) is not one
  }
  return false;
}
