import { compilePattern } from '@hanoi/core';

// Case folding under i, exhaustively over the cased blocks users' ids come
// from: every character of them as a pattern, against every character of
// them as an id, answered as the native RegExp answers (SPEC rule 6).
// Without u it is ECMA-262's toUpperCase-based Canonicalize, with u or v
// simple case folding; the two differ (the Kelvin sign, long s, sharp s,
// final sigma, Greek with diacritics...).

const BLOCKS: [number, number][] = [
  [0x41, 0x7a], // ASCII letters
  [0xc0, 0x24f], // Latin-1, Latin Extended-A and -B
  [0x370, 0x3ff], // Greek
  [0x400, 0x4ff], // Cyrillic
  [0x1e00, 0x1fff], // Latin Extended Additional, Greek Extended
  [0x2126, 0x2132], // Ohm, Kelvin and Angstrom signs, and their neighbours
  [0xfb00, 0xfb06], // Latin ligatures
  [0x10400, 0x1044f], // Deseret (astral)
];

const chars = BLOCKS.flatMap(([lo, hi]) => Array.from({ length: hi - lo + 1 }, (_, i) => String.fromCodePoint(lo + i)));
const escape = (c: string) => `\\u{${c.codePointAt(0)!.toString(16)}}`;
const escapeUnits = (c: string) =>
  [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');

describe.each(['i', 'iu', 'iv'])('case folding under /%s', (flags) => {
  it(`agrees with RegExp on ${chars.length} x ${chars.length} pairs`, () => {
    const disagreements: string[] = [];
    for (const c of chars) {
      const source = `^${flags === 'i' ? escapeUnits(c) : escape(c)}$`;
      const compiled = compilePattern({ source, flags });
      const native = new RegExp(source, flags);
      for (const id of chars) {
        if (compiled.test(id) !== native.test(id)) disagreements.push(`/${source}/${flags} on ${escape(id)}`);
      }
    }
    expect(disagreements.slice(0, 20)).toEqual([]);
  });
});
