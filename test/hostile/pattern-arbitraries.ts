import fc from 'fast-check';
import { ATOMS, compiles } from '../support/pattern-corpus';

/**
 * Patterns for the property tests. `safePatternArb` builds patterns from a
 * small grammar with no back-references or look-around, which must be
 * accepted, and JavaScript's own engine is an independent oracle for the
 * answer. `hostilePatternArb` strings metacharacters together at
 * random (back-references, look-around, escapes included) and keeps what
 * JavaScript accepts as a RegExp: each is either refused or stored exactly.
 */

const atom = fc.constantFrom('a', 'b', 'c', '1', '2', '.', '[ab]', '[^a]', '[a-c]', '\\d', '\\w', 'x');
const quantifier = fc.constantFrom('', '', '*', '+', '?', '{1,2}', '{2}', '*?', '+?');

const tree: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(atom, quantifier).map(([a, q]) => a + q),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((parts) => parts.join('')),
    fc.tuple(tie('node'), tie('node')).map(([l, r]) => `${l}|${r}`),
    fc.tuple(fc.constantFrom('(', '(?:'), tie('node'), quantifier).map(([open, inner, q]) => `${open}${inner})${q}`),
  ),
})).node;

/** A pattern both engines read alike on the ids of `asciiIdArb`. */
export const safePatternArb: fc.Arbitrary<RegExp> = fc
  .tuple(fc.boolean(), tree, fc.boolean(), fc.subarray(['d', 'g', 'i', 'm', 's', 'u', 'y']))
  .map(([start, body, end, flags]) => new RegExp(`${start ? '^' : ''}${body}${end ? '$' : ''}`, flags.join('')));

/** Ids over a small alphabet, so patterns often match. */
export const asciiIdArb: fc.Arbitrary<string> = fc.string({
  unit: fc.constantFrom('a', 'b', 'c', '1', '2', 'x', 'A', '_'),
  minLength: 1,
  maxLength: 8,
});

const metaUnit = fc.constantFrom(
  'a',
  'b',
  '1',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '\\',
  'k',
  '<',
  '>',
  '?',
  '=',
  '!',
  '*',
  '+',
  '|',
  '^',
  '$',
  '.',
  'p',
  'u',
  'q',
  '-',
  ':',
  'é',
  '😀',
);

/** Anything JavaScript accepts as a RegExp, built from metacharacters at random. */
export const hostilePatternArb: fc.Arbitrary<RegExp> = fc
  .tuple(
    fc.string({ unit: metaUnit, maxLength: 12 }),
    fc.subarray(['g', 'i', 'm', 's', 'u', 'y', 'd']),
    fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
  )
  .map(([source, flags, v]) => ({
    source,
    flags: v ? [...flags.filter((f) => f !== 'u'), 'v'].join('') : flags.join(''),
  }))
  .filter(({ source, flags }) => compiles(source, flags))
  .map(({ source, flags }) => new RegExp(source, flags));

/** Either kind, tagged: a safe pattern must be accepted. */
export const patternArb: fc.Arbitrary<{ pattern: RegExp; safe: boolean }> = fc.oneof(
  safePatternArb.map((pattern) => ({ pattern, safe: true })),
  hostilePatternArb.map((pattern) => ({ pattern, safe: false })),
);

// JavaScript patterns at large: the atoms where engines read JavaScript
// differently (case folding, `.`, `\s`, `\w`, `\b`, line terminators, astral
// characters and surrogates), under every flag. The oracle is `RegExp` itself.
const jsAtom = fc.constantFrom(...ATOMS, '\\b', '\\B', '^', '$', '[\\b]', '[^\\w\\s]');
const jsQuantifier = fc.constantFrom('', '', '', '*', '+', '?', '{1,2}', '{2}', '+?');
const jsTree: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(jsAtom, jsQuantifier).map(([a, q]) => (/^[\^$]|\\[bB]$/.test(a) ? a : a + q)),
    fc.array(tie('node'), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('')),
    fc.tuple(tie('node'), tie('node')).map(([l, r]) => `${l}|${r}`),
    fc.tuple(fc.constantFrom('(', '(?:'), tie('node'), jsQuantifier).map(([open, inner, q]) => `${open}${inner})${q}`),
  ),
})).node;

/** Any pattern JavaScript accepts from that grammar, as [source, flags]. */
export const jsPatternArb: fc.Arbitrary<[string, string]> = fc
  .tuple(jsTree, fc.subarray(['i', 'm', 's']), fc.constantFrom('', 'u', 'v'))
  .map(([source, flags, unicode]): [string, string] => [source, flags.join('') + unicode])
  .filter(([source, flags]) => compiles(source, flags));

/** Ids over an alphabet where engines disagree, lone surrogates included. */
export const jsIdArb: fc.Arbitrary<string> = fc
  .array(
    fc.constantFrom(
      'a',
      'k',
      's',
      'A',
      'K',
      'S',
      'ſ',
      '\u212A',
      'ß',
      'é',
      'É',
      'σ',
      'ς',
      'Σ',
      '_',
      '1',
      ' ',
      '\u00a0',
      '\ufeff',
      '\n',
      '\r',
      '\u2028',
      '\u2029',
      '\b',
      '😀',
      '😁',
      '\uD83D',
      '\uDE00',
      '-',
    ),
    { maxLength: 8 },
  )
  .map((units) => units.join(''));
