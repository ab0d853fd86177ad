/**
 * A corpus of patterns and ids for the differential tests of SPEC rule 6:
 * the native `RegExp` is the oracle, asked in the test itself. Patterns: the
 * ordinary ones users write, and every class and flag where engines read
 * JavaScript differently (case folding, `.`, `\s`, `\w`, `\b`, line
 * terminators, astral characters, lone surrogates, `v` sets). Ids: ASCII,
 * non-ASCII, astral, lone surrogates, every Unicode space and line terminator.
 */

export const ORDINARY: [string, string][] = [
  ['01$', ''],
  ['^staff-', ''],
  ['@example\\.com$', 'i'],
  ['@example\\.com$', ''],
  ['^u-\\d+$', ''],
  ['^u-0+1', 'i'],
  ['-9+$', ''],
  ['^[a-f0-9]{8}$', ''],
  ['^[a-f0-9]{8}$', 'i'],
  ['beta', ''],
  ['^admin(-\\w+)?$', ''],
  ['^(alice|bob|carol)$', 'i'],
  ['^\\w+@\\w+\\.\\w{2,}$', ''],
  ['^[^@]+@corp\\.', 'i'],
  ['^vip$', 'im'],
  ['a.b', 's'],
  ['^\\u{1F600}$', 'u'],
  ['(a+)+$', ''],
  ['^(a|aa)+$', ''],
  ['^(\\w+\\s?)*$', ''],
  ['^.{3,5}$', ''],
  ['^.{3,5}$', 'u'],
  ['\\d{3}-\\d{4}', ''],
  ['^(?:[a-z]+\\.)*example\\.org$', 'i'],
  ['^$', ''],
  ['', ''],
  ['^x|y$', 'm'],
  ['^(?<team>qa|ops)-', ''],
  ['[\\b]', ''],
  ['^[\\b-\\n]+$', ''],
  ['^[\\q{ab|cd}x]$', 'v'],
  ['^[\\q{ab|cd}x]+$', 'iv'],
  ['^[\\p{L}--[a-z]]+$', 'v'],
  ['^[\\p{L}&&\\p{Script=Greek}]+$', 'v'],
  ['^[[a-z]--[aeiou]]+$', 'iv'],
  ['^[^\\d\\s]+$', 'v'],
  ['\\p{Lu}', 'u'],
  ['\\P{Ll}', 'iu'],
  ['\\P{Ll}', 'iv'],
  ['^\\p{Script=Greek}+$', 'iu'],
  ['^[\\p{Nd}]+$', 'u'],
];

/** Pieces whose meaning differs between engines; each is tried in several places and under several flags. */
export const ATOMS = [
  '.',
  '\\s',
  '\\S',
  '\\w',
  '\\W',
  '\\d',
  '\\D',
  '[^a]',
  '[a-z]',
  '[A-Z]',
  '[^\\s]',
  '[\\s\\S]',
  '[^\\W]',
  'k',
  'K',
  's',
  'ß',
  'ǅ',
  'é',
  'É',
  'σ',
  'Σ',
  'ς',
  'i',
  'I',
  '\\u212A',
  '\\u017F',
  '\\u0130',
  '\\u0131',
  '\\u0390',
  '😀',
  '\\uD83D',
  '\\uDE00',
  '[\\uD800-\\uDBFF]',
  '[😀-😂]',
  '\\n',
  '\\r',
  '\\u2028',
  '\\cJ',
  '\\x41',
  '\\0',
];
const TEMPLATES = ['^A$', 'A', '^A+$', 'xA', '\\bA', 'A\\b', '\\BA', '^A|A$'];
const FLAGS = ['', 'i', 'm', 's', 'u', 'iu', 'v', 'iv', 'ims', 'msu'];
// Line anchors and word edges against line terminators and word characters.
const ANCHORED: [string, string][] = [
  ['^x$', 'm'],
  ['x$', 'm'],
  ['^x', 'm'],
  ['\\bx\\b', ''],
  ['\\bx\\b', 'iu'],
  ['\\Bs', 'iu'],
  ['s\\b', 'iu'],
  ['^.$', 's'],
  ['^.$', 'su'],
  ['^..$', ''],
  ['^...$', 'u'],
  ['^a[^]b$', ''],
  ['\\B', 'u'],
  ['\\B', 'v'],
  ['\\B(?:x)?', 'iu'],
  ['(?:\\B|x)\\B', 'm'],
];

/** Whether JavaScript accepts the pattern (it is never run). */
export function compiles(source: string, flags: string): boolean {
  try {
    new RegExp(source, flags);
    return true;
  } catch {
    return false;
  }
}

/** Every pattern of the corpus that JavaScript accepts, as [source, flags]. */
export function corpusPatterns(): [string, string][] {
  const out: [string, string][] = [...ORDINARY, ...ANCHORED];
  for (const atom of ATOMS) {
    for (const template of TEMPLATES) {
      const source = template.replaceAll('A', atom.replace(/\$/g, '$$$$'));
      for (const flags of FLAGS) out.push([source, flags]);
    }
  }
  const seen = new Set<string>();
  return out.filter(([source, flags]) => {
    const key = `/${source}/${flags}`;
    if (seen.has(key) || !compiles(source, flags)) return false;
    seen.add(key);
    return true;
  });
}

/** Every whitespace and line terminator of ECMA-262, and characters that are near misses. */
export const SPACES = [
  '\t',
  '\n',
  '\v',
  '\f',
  '\r',
  ' ',
  '\u0085',
  '\u00a0',
  '\u1680',
  '\u180e',
  '\u2000',
  '\u2001',
  '\u2002',
  '\u2003',
  '\u2004',
  '\u2005',
  '\u2006',
  '\u2007',
  '\u2008',
  '\u2009',
  '\u200a',
  '\u200b',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
];

/** Ids that are well-formed (what a Rollout accepts). */
export function corpusIds(): string[] {
  const ids = [
    'x',
    'a',
    'A',
    'k',
    'K',
    's',
    'S',
    'kate',
    'Kate',
    'KATE',
    '\u212Aate',
    'ſ',
    'staff-1',
    'staff\u00a01',
    'u-0001',
    'u-1001-99',
    '444401',
    'bob@example.com',
    'BOB@EXAMPLE.COM',
    'bob@example.co',
    'alice',
    'ALICE',
    'a\nb',
    'a\rb',
    'a\u2028b',
    'a\u2029b',
    'ab',
    'cd',
    'abx',
    'ß',
    'SS',
    'ẞ',
    'ǅ',
    'ǆ',
    'Ǆ',
    'é',
    'É',
    'e\u0301',
    'σ',
    'Σ',
    'ς',
    'i',
    'I',
    'İ',
    'ı',
    '\u0390',
    '\u1FD3',
    'ΐ',
    '😀',
    '😀😀',
    'x😀',
    '😁',
    '😂',
    '😃',
    '\u{1F600}x',
    '𝒜',
    '\u{10FFFF}',
    'x\nvip',
    'VIP',
    'a.b',
    'a\nb',
    'aaaa',
    'aaaa!',
    'word word',
    'αβγ',
    'ΑΒΓ',
    '٣٤',
    '123',
    'x\b',
    '\b',
    '\n',
    '\r\n',
    'x\n',
    'x\r',
    'x\u2028',
    '\u2029x',
    'qa-1',
    'ops-2',
    'a1b2c3d4',
    'A1B2C3D4',
    'deadbeef',
    '555-1234',
    'x.example.org',
    'X.Example.ORG',
    '\u0000',
    'K\u212A',
    'a_b',
    '_',
    'Ω',
    'Ω',
  ];
  for (const space of SPACES) ids.push(space, `a${space}b`, `x${space}`, `${space}x`);
  return [...new Set(ids)];
}

/** Ids that are not well-formed: a pattern still answers as JavaScript would, though a Rollout refuses them. */
export const LONE_SURROGATE_IDS = ['\uD83D', '\uDE00', 'a\uD800', '\uDC00b', '\uDE00\uD83D', 'x\uD83D\uD83D\uDE00'];
