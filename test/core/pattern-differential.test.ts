import fc from 'fast-check';
import { compilePattern, type CompiledPattern } from '@hanoi/core';
import { jsIdArb, jsPatternArb } from '../hostile/pattern-arbitraries';
import { corpusIds, corpusPatterns, LONE_SURROGATE_IDS } from '../support/pattern-corpus';

// SPEC rule 6, against the oracle: for every accepted pattern and every id,
// compilePattern(...).test(id) === new RegExp(source, flags).test(id).

describe('patterns answer as the native RegExp (SPEC rule 6)', () => {
  const patterns = corpusPatterns();
  const ids = [...corpusIds(), ...LONE_SURROGATE_IDS];

  it('agrees on the whole corpus, every pattern accepted', () => {
    expect(patterns.length).toBeGreaterThanOrEqual(300);
    const disagreements: string[] = [];
    for (const [source, flags] of patterns) {
      const compiled = compilePattern({ source, flags });
      const native = new RegExp(source, flags);
      for (const id of ids) {
        if (compiled.test(id) !== native.test(id)) disagreements.push(`/${source}/${flags} on ${JSON.stringify(id)}`);
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('agrees on generated patterns and ids', () => {
    fc.assert(
      fc.property(jsPatternArb, fc.array(jsIdArb, { minLength: 1, maxLength: 8 }), ([source, flags], someIds) => {
        const native = new RegExp(source, flags);
        let compiled: CompiledPattern;
        try {
          compiled = compilePattern({ source, flags });
        } catch (err) {
          // The one refusal of a pattern without look-around or back-references: where this Node's RegExp is itself wrong.
          expect([flags.includes('v'), String(err)]).toEqual([
            true,
            expect.stringMatching(/negated class .* repeated group/),
          ]);
          return;
        }
        for (const id of someIds)
          expect([source, flags, id, compiled.test(id)]).toEqual([source, flags, id, native.test(id)]);
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees on ids of every length up to the limit', () => {
    const long = ['a'.repeat(511) + '!', '😀'.repeat(512), `${'ab\n'.repeat(170)}x`, `${'k'.repeat(300)}\u212A`];
    for (const [source, flags] of patterns.filter((_, i) => i % 7 === 0)) {
      const compiled = compilePattern({ source, flags });
      const native = new RegExp(source, flags);
      for (const id of long)
        expect([source, flags, id.length, compiled.test(id)]).toEqual([source, flags, id.length, native.test(id)]);
    }
  });
});
