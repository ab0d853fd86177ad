import { InvalidArgumentError } from './errors';
import { compileNfa, type Nfa } from './pattern-compile';
import { LazyDfa } from './pattern-dfa';

/** A stored pattern: a regular expression's source and flags (`g` and `y` dropped). */
export interface PatternSpec {
  source: string;
  flags: string;
}

/**
 * The key a pattern is known by in a feature's set: its flags and source
 * (one pattern per source and flags).
 *
 * @example
 * patternKey({ source: '^beta', flags: 'i' }); // 'i/^beta'
 */
export const patternKey = (p: PatternSpec): string => `${p.flags}/${p.source}`;

/** A pattern ready to match, with JavaScript's meaning, in linear time. */
export interface CompiledPattern extends PatternSpec {
  /** True when the pattern matches anywhere in `userId` (an unanchored search). */
  test: (userId: string) => boolean;
}

const MAX_SOURCE_LENGTH = 1024;
const KEPT_FLAGS = 'imsuv';

/**
 * Turns a RegExp into the spec that backends store: `g` and `y` are dropped
 * because they make a match depend on the previous one, `d` because it only
 * changes what a match reports.
 *
 * @example
 * patternSpec(/01$/gi); // { source: '01$', flags: 'i' }
 */
export function patternSpec(pattern: RegExp): PatternSpec {
  const flags = [...pattern.flags]
    .filter((flag) => KEPT_FLAGS.includes(flag))
    .sort()
    .join('');
  const spec = { source: pattern.source, flags };
  compilePattern(spec);
  return spec;
}

/**
 * Compiles a stored pattern so that it means what `new RegExp(source, flags)`
 * means, in time linear in the id's length: no pattern and no user id can
 * make a check run away (`(a+)+$` answers in microseconds). Constructs that
 * cannot run in linear time (back-references, look-around) are refused with
 * an `InvalidArgumentError` naming the construct. A pure function of the spec.
 *
 * @example
 * compilePattern({ source: '01$', flags: '' }).test('444401'); // true
 * compilePattern({ source: '^kate$', flags: 'i' }).test('\u212Aate'); // false, as in JavaScript
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
  if (
    typeof flags !== 'string' ||
    [...flags].some((flag, i) => !KEPT_FLAGS.includes(flag) || flags.indexOf(flag) !== i) ||
    (flags.includes('u') && flags.includes('v'))
  ) {
    throw new InvalidArgumentError('pattern flags', flags, `Flags are drawn from "${KEPT_FLAGS}" (u or v, not both).`);
  }
  try {
    new RegExp(source, flags); // only what JavaScript itself accepts (never run)
  } catch (err) {
    throw new InvalidArgumentError('pattern', `/${source}/${flags}`, `${(err as Error).message}.`);
  }
  let nfa: Nfa;
  try {
    nfa = compileNfa(source, flags);
  } catch (err) {
    throw new InvalidArgumentError(
      'pattern',
      `/${source}/${flags}`,
      `Patterns run in time linear in the id's length, and ${(err as Error).message}.`,
    );
  }
  const literal = literalTest(source, flags);
  if (literal) {
    const compiled = { source, flags, test: literal };
    literals.add(compiled);
    return compiled;
  }
  // The automaton's tables are made at the first id that gets past `required`:
  // of a feature's thousands of patterns, most never run.
  let dfa: LazyDfa | undefined;
  const { required } = nfa;
  if (required) {
    return { source, flags, test: (userId) => userId.includes(required) && (dfa ??= new LazyDfa(nfa)).test(userId) };
  }
  return { source, flags, test: (userId) => (dfa ??= new LazyDfa(nfa)).test(userId) };
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
  // With u or v a surrogate in the source is a code point of its own, never half of a pair in the id.
  if ((flags.includes('u') || flags.includes('v')) && /[\uD800-\uDFFF]/.test(text)) return undefined;
  if (start && end) return (userId) => userId === text;
  if (start) return (userId) => userId.startsWith(text);
  if (end) return (userId) => userId.endsWith(text);
  return (userId) => userId.includes(text);
}

/** The compiled patterns that are plain string tests. */
const literals = new WeakSet<CompiledPattern>();

const combined = new WeakMap<readonly CompiledPattern[], (userId: string) => boolean>();

/**
 * Whether any of `patterns` matches `userId`. Literal patterns are string
 * tests, tried first; the others run on their automata. Built once per list.
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
  // Literal patterns first: a string test is cheaper than an automaton's run
  // (itself a table look-up per character, cheaper than remembering verdicts).
  // One pass, nothing compiled or parsed: a list is rebuilt on every change.
  const tests: ((userId: string) => boolean)[] = [];
  for (const p of patterns) if (literals.has(p)) tests.push(p.test);
  for (const p of patterns) if (!literals.has(p)) tests.push(p.test);
  if (tests.length === 1) return tests[0]!;
  return (userId) => {
    for (let i = 0; i < tests.length; i++) if (tests[i]!(userId)) return true;
    return false;
  };
}
