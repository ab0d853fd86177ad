import { compilePattern, InvalidArgumentError, patternSpec } from '@hanoi/core';

// SPEC rule 6: a pattern means what the same JavaScript RegExp means. Each
// case below is one where a non-JavaScript engine (RE2) answers otherwise;
// the expected answer is the native RegExp's, asked in the test itself.
const CASES: [RegExp, string][] = [
  [/^kate$/i, '\u212Aate'],
  [/^kate$/iu, '\u212Aate'],
  [/^\S+$/, 'staff\u00a01'],
  [/^\s$/, '\ufeff'],
  [/^a.b$/, 'a\rb'],
  [/^a.b$/, 'a\u2028b'],
  [/^.$/, '😀'],
  [/^.$/u, '😀'],
  [/^..$/, '😀'],
  [/^[a-z]+$/i, 'ſ'],
  [/^[a-z]+$/iu, 'ſ'],
  [/^\w$/iu, 'ſ'],
  [/\bs/iu, 'ſ'],
  [/^x$/m, 'a\rx'],
  [/^x$/m, 'a\u2029x'],
  [/x$/m, 'x\u2028'],
  [/\uDC00/u, '\uD83D\uDC00'],
  [/\uDC00/, '\uD83D\uDC00'],
  [/^[^a]$/u, '😀'],
  [/^[^a]$/, '😀'],
  [/^\u0390$/iu, '\u1FD3'],
  [/^\u0390$/i, '\u1FD3'],
  [/\P{Ll}/iu, 'a'],
  [new RegExp('\\P{Ll}', 'iv'), 'a'],
  [new RegExp('^[\\q{ab}x]$', 'v'), 'ab'],
  [new RegExp('^[\\p{L}--[a-z]]$', 'v'), 'a'],
  [new RegExp('^[\\p{L}--[a-z]]$', 'v'), 'é'],
  [/[\b]/, 'a\bb'],
  [/\B/u, 'a😁a'],
  [/\B/u, 'a\uD83Da'],
  [/\B$/mu, 'a😁a'],
  [/^ß$/i, 'SS'],
  [/^ǅ$/i, 'ǆ'],
  [/^ǅ$/iu, 'ǆ'],
];

describe('patterns mean what JavaScript means (SPEC rule 6)', () => {
  it.each(CASES.map(([re, id]) => [String(re), JSON.stringify(id), re, id] as const))(
    '%s on %s answers as RegExp.prototype.test',
    (_name, _id, re, id) => {
      const expected = new RegExp(re.source, re.flags).test(id);
      expect(compilePattern(patternSpec(re)).test(id)).toBe(expected);
    },
  );

  it('refuses what cannot run in linear time, naming the construct', () => {
    const refused: [RegExp, RegExp][] = [
      [/(a)\1/, /back-reference/],
      [/(?<x>a)\k<x>/, /back-reference/],
      [/(?=a)a/, /look-ahead/],
      [/(?!a)b/, /look-ahead/],
      [/(?<=a)b/, /look-behind/],
      [/(?<!a)b/, /look-behind/],
    ];
    for (const [re, construct] of refused) {
      expect(() => patternSpec(re)).toThrow(InvalidArgumentError);
      expect(() => patternSpec(re)).toThrow(construct);
    }
  });

  it('refuses, or answers as RegExp, a negated class in a repeated group under v', () => {
    // Node 20's V8 inverts such a class (ECMA-262 says /(?:a[^b])+/v does not match 'ab'); no answer can agree with both.
    const re = new RegExp('(?:a[^b])+', 'v');
    let compiled;
    try {
      compiled = compilePattern(patternSpec(re));
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect(re.test('ab')).toBe(true);
      return;
    }
    for (const id of ['ab', 'ac', 'a-a-']) expect(compiled.test(id)).toBe(re.test(id));
  });

  it('accepts a backspace class and the v flag', () => {
    expect(patternSpec(/[\b]/)).toEqual({ source: '[\\b]', flags: '' });
    expect(patternSpec(new RegExp('^[\\q{ab}]$', 'v'))).toEqual({ source: '^[\\q{ab}]$', flags: 'v' });
  });
});
