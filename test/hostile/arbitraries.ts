import fc from 'fast-check';

/**
 * Random input for the property tests: mostly plausible values with the
 * characters that break naive stores (separators, braces, quotes, non-ASCII,
 * astral code points), and now and then the ones that must be refused
 * (whitespace, control characters, lone surrogates, one past each limit,
 * values of the wrong type).
 */

const plainUnit = fc.constantFrom(
  'a',
  'b',
  'z',
  '0',
  '_',
  '-',
  ':',
  '|',
  ',',
  '{',
  '}',
  '.',
  '/',
  '*',
  '"',
  "'",
  '\\',
  '%',
  'é',
  'ß',
  '中',
  '🚀',
  '😀',
);
const refusedUnit = fc.constantFrom(
  ' ',
  '\t',
  '\n',
  '\r',
  '\u0000',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\u3000',
  '\ufeff',
  '\uD800',
  '\uDFFF',
);
const unit = fc.oneof(
  { weight: 12, arbitrary: plainUnit },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: refusedUnit },
);
const text = (maxLength: number) => fc.string({ unit, maxLength });
const nearLimit = (limit: number) =>
  fc
    .tuple(fc.integer({ min: limit - 2, max: limit + 2 }), fc.constantFrom('n', 'é', '🚀'))
    .map(([n, c]) => c.repeat(n));
const wrongType = fc.constantFrom<unknown>(undefined, null, 42, {}, ['beta'], true);

/** Names the Redis key layout uses for itself, and JavaScript object keys. */
export const BOOKKEEPING_NAMES = [
  'index',
  'version',
  'changes',
  'f:beta',
  'u:beta',
  'p:beta',
  '{hanoi}:index',
  '}:f:x',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
];

/** A few names that come back often, so operations meet the same features. */
export const POOL = ['beta', '__proto__', 'a:b|c,{d}', 'ünï-🚀'];

/** A feature name, valid or not. */
export const nameArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...POOL) },
  { weight: 3, arbitrary: text(10) },
  { weight: 1, arbitrary: nearLimit(128) },
  { weight: 1, arbitrary: fc.constantFrom(...BOOKKEEPING_NAMES) },
  { weight: 1, arbitrary: wrongType },
);

/** A user id, valid or not: strings, numbers (NaN, Infinity and -0 among them), near 512 code points. */
export const idArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<unknown>('u1', 'u2', '42', 42, 'a,b', 'a|b', '__proto__', '😀', '') },
  { weight: 4, arbitrary: text(12) },
  { weight: 1, arbitrary: nearLimit(512) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.integer({ min: -1000, max: 1000 }),
      fc.double(),
      fc.constantFrom(-0, 1e21, 0.1, Number.MAX_VALUE),
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, undefined, {}, true) },
);

/** One id or a list of them (an empty list among them). */
export const idsArb: fc.Arbitrary<unknown> = fc.oneof(idArb, fc.array(idArb, { maxLength: 4 }));

/** A percentage, valid or not. */
export const percentageArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 10, arbitrary: fc.integer({ min: -3, max: 103 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('50', null, 50.5, Number.NaN, 1e-300, true) },
);

const weightArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 5 }) },
  { weight: 2, arbitrary: fc.double({ min: 0, max: 2e9, noNaN: true }) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(1e9, 0.1, 1 / 3, 5e-324, undefined) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(-1, 1e9 + 1, Number.NaN, Infinity, '2') },
);
const variantNameArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('a', 'b', 'c', 'control', '{}', 'x:y', '🚀', '__proto__') },
  { weight: 1, arbitrary: nameArb },
);

/** A variant list, valid or not: duplicates, bad names and bad weights happen. */
export const variantsArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.uniqueArray(fc.oneof(variantNameArb, fc.record({ name: variantNameArb, weight: weightArb })), {
      maxLength: 4,
      selector: (v) => (typeof v === 'object' && v !== null ? (v as { name: unknown }).name : v),
    }),
  },
  { weight: 2, arbitrary: fc.array(fc.constantFrom('a', 'b'), { minLength: 2, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 'a', {}, [[]]) },
);

/** The options of `addFunc`, valid or not. */
export const optionsArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record(
      {
        percentage: percentageArb,
        variants: variantsArb,
        enabled: fc.oneof(
          { weight: 6, arbitrary: fc.boolean() },
          { weight: 1, arbitrary: fc.constantFrom<unknown>('yes', 1, null) },
        ),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 'beta', 7) },
);
