import CRC32 from 'crc-32';

/**
 * The percentage bucket of a user: `crc32(utf8(id)) % 100`, the IEEE/zlib CRC-32
 * read as an unsigned 32-bit integer. A feature at p% is on for buckets 0..p-1.
 *
 * DO NOT CHANGE: every user's bucket, in every deployed process and every
 * other port of this library, depends on this exact function. Pinned by
 * test/fixtures/bucketing.json.
 *
 * @example
 * bucket('444401'); // 85
 */
export function bucket(userId: string): number {
  return crc32(userId) % 100;
}

/**
 * The IEEE/zlib CRC-32 of the UTF-8 bytes of `text`, unsigned.
 *
 * @example
 * crc32('123456789'); // 0xcbf43926
 */
export function crc32(text: string): number {
  // An ASCII string's UTF-8 bytes are its char codes: four at a time through four tables (slicing-by-4), the
  // rest one at a time. At the first other character the whole text goes to crc-32's UTF-8 walk instead.
  // The last few characters are read elsewhere: this loop alone is small enough for V8 to inline with a check.
  const length = text.length;
  // The tables in a local: read from the module's binding, they were loaded and checked again on every block.
  const tables = SLICES;
  let c = -1;
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    const a = text.charCodeAt(i);
    const b = text.charCodeAt(i + 1);
    const d = text.charCodeAt(i + 2);
    const e = text.charCodeAt(i + 3);
    if ((a | b | d | e) > 0x7f) return crc32Utf8(text);
    c ^= a | (b << 8) | (d << 16) | (e << 24);
    c =
      tables[768 + (c & 0xff)]! ^
      tables[512 + ((c >>> 8) & 0xff)]! ^
      tables[256 + ((c >>> 16) & 0xff)]! ^
      tables[c >>> 24]!;
  }
  return i === length ? ~c >>> 0 : crc32Tail(text, i, c);
}

/** `crc32` from character `i` on, one at a time, `c` the CRC so far (not yet inverted). */
function crc32Tail(text: string, i: number, c: number): number {
  const tables = SLICES;
  for (; i < text.length; i += 1) {
    const a = text.charCodeAt(i);
    if (a > 0x7f) return crc32Utf8(text);
    c = (c >>> 8) ^ tables[(c ^ a) & 0xff]!;
  }
  return ~c >>> 0;
}

/** `crc32` of a text with a character past ASCII: crc-32's UTF-8 walk. */
function crc32Utf8(text: string): number {
  return CRC32.str(text) >>> 0;
}

/** The CRC-32 byte table (reflected polynomial 0xedb88320), then the three that carry a byte one, two and three bytes on. */
const SLICES = ((): Int32Array => {
  const tables = new Int32Array(1024);
  for (let i = 0; i < 256; i += 1) {
    let c = i;
    for (let bit = 0; bit < 8; bit += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[i] = c;
  }
  for (let i = 0; i < 256; i += 1) {
    let c = tables[i]!;
    for (let slice = 1; slice < 4; slice += 1) {
      c = (c >>> 8) ^ tables[c & 0xff]!;
      tables[slice * 256 + i] = c;
    }
  }
  return tables;
})();
