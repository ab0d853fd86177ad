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
  const flags = [...pattern.flags]
    .filter((flag) => KEPT_FLAGS.includes(flag))
    .sort()
    .join('');
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
  const literal = literalTest(source, flags);
  return { source, flags, test: literal ?? ((userId) => re.test(userId)) };
}

/**
 * A plain string test for a pattern that is only literal characters, perhaps
 * anchored (`01$`, `^beta-`), where it gives the same answer as the engine
 * at a fraction of the cost. `undefined` for anything else. Case-insensitive
 * and multi-line patterns always go to the engine.
 */
function literalTest(source: string, flags: string): ((userId: string) => boolean) | undefined {
  if (flags.includes('i') || flags.includes('m')) return undefined;
  const start = source.startsWith('^');
  const end = source.endsWith('$') && !source.endsWith('\\$');
  const text = source.slice(start ? 1 : 0, end ? -1 : undefined);
  if (/[\\^$.|?*+()[\]{}]/.test(text)) return undefined;
  if (start && end) return (userId) => userId === text;
  if (start) return (userId) => userId.startsWith(text);
  if (end) return (userId) => userId.endsWith(text);
  return (userId) => userId.includes(text);
}

const combined = new WeakMap<readonly CompiledPattern[], (userId: string) => boolean>();

/**
 * Whether any of `patterns` matches `userId`. Literal patterns are string
 * tests; the others run as one RE2 alternation, so a user who matches none
 * costs one engine run, not one per pattern, and a returning user none.
 * Built once per list.
 *
 * @example
 * matchesAny([compilePattern({ source: '01$', flags: '' })], '444401'); // true
 */
export function matchesAny(patterns: readonly CompiledPattern[], userId: string): boolean {
  if (patterns.length === 0) return false;
  let test = combined.get(patterns);
  if (!test) {
    test = combine(patterns);
    combined.set(patterns, test);
  }
  return test(userId);
}

function combine(patterns: readonly CompiledPattern[]): (userId: string) => boolean {
  const literals: CompiledPattern[] = [];
  const others: CompiledPattern[] = [];
  for (const pattern of patterns) (literalTest(pattern.source, pattern.flags) ? literals : others).push(pattern);
  if (others.length === 0) return (userId) => literals.some((p) => p.test(userId));
  let engine: (userId: string) => boolean;
  try {
    const re = RE2JS.compile(
      others.map(({ source, flags }) => `(?${flags.replace('u', '')}:${RE2JS.translateRegExp(source)})`).join('|'),
    );
    engine = (userId) => re.test(userId);
  } catch {
    engine = (userId) => others.some((p) => p.test(userId));
  }
  // An engine run costs about a microsecond; a returning user's verdict is
  // remembered (the answer depends only on this list and the id). Bounded:
  // the memory is emptied when it is full.
  const verdicts = new Map<string, boolean>();
  return (userId) => {
    if (literals.some((p) => p.test(userId))) return true;
    let verdict = verdicts.get(userId);
    if (verdict === undefined) {
      verdict = engine(userId);
      if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
      verdicts.set(userId, verdict);
    }
    return verdict;
  };
}

/** How many users' pattern verdicts one feature remembers (about 0.5 MB at most). */
const MAX_VERDICTS = 8192;

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
