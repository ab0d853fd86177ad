import fc from 'fast-check';
import { compilePattern, matchesAny, patternSpec } from '@hanoi/core';

// Small alphabets make matches common; JavaScript's own RegExp is the
// independent reference for these patterns, none of which can backtrack badly.
const piece = fc.constantFrom('0', '1', 'a', 'A', '-', '.', 'x', '9+', '[0-1]', '\\d', '(a|1)', '\n');
const source = fc
  .tuple(fc.boolean(), fc.array(piece, { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([start, parts, end]) => `${start ? '^' : ''}${parts.join('')}${end ? '$' : ''}`);
const flags = fc.constantFrom('', 'i', 'm', 's', 'im');
const id = fc.stringMatching(/^[01aAx9\-.\n]{1,8}$/);

describe('pattern matching (SPEC rule 6: a search, unanchored, any pattern)', () => {
  it('answers as a JavaScript RegExp search would, one pattern at a time', () => {
    fc.assert(
      fc.property(source, flags, id, (src, fl, userId) => {
        const reference = new RegExp(src, fl).test(userId);
        expect(compilePattern(patternSpec(new RegExp(src, fl))).test(userId)).toBe(reference);
      }),
      { numRuns: 2000 },
    );
  });

  it('answers "any of them matches" for several patterns together', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(source, flags), { minLength: 1, maxLength: 5 }),
        fc.array(id, { minLength: 1, maxLength: 10 }),
        (specs, ids) => {
          const compiled = specs.map(([src, fl]) => compilePattern(patternSpec(new RegExp(src, fl))));
          for (const userId of ids) {
            const reference = specs.some(([src, fl]) => new RegExp(src, fl).test(userId));
            expect(matchesAny(compiled, userId)).toBe(reference);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('treats literal patterns exactly: anchors, escapes and dots', () => {
    const test = (src: string, userId: string) => compilePattern({ source: src, flags: '' }).test(userId);
    expect(test('01$', '444401')).toBe(true);
    expect(test('01$', '444410')).toBe(false);
    expect(test('^44', '444401')).toBe(true);
    expect(test('^44$', '44')).toBe(true);
    expect(test('^44$', '444')).toBe(false);
    expect(test('4\\$', 'a4$b')).toBe(true);
    expect(test('a.c', 'abc')).toBe(true);
    expect(test('$', 'anything')).toBe(true);
  });

  it('gives the same verdicts for returning users, past the remembered 8,192', () => {
    const compiled = [/-9+$/, /^u-0+1/i].map((re) => compilePattern(patternSpec(re)));
    const references = [/-9+$/, /^u-0+1/i];
    const ids = Array.from(
      { length: 20_000 },
      (_, i) => `u-${String((i * 7919) % 12_000).padStart(5, '0')}${i % 3 === 0 ? '-99' : ''}`,
    );
    for (const round of [1, 2]) {
      for (const userId of ids) {
        const reference = references.some((re) => re.test(userId));
        if (matchesAny(compiled, userId) !== reference)
          throw new Error(`round ${round}: ${userId} should be ${reference}`);
      }
    }
    expect(matchesAny(compiled, 'u-0001')).toBe(true);
    expect(matchesAny(compiled, 'u-1001-99')).toBe(true);
    expect(matchesAny(compiled, 'u-1001-98')).toBe(false);
  });
});
