/// <reference types="jest" />
/**
 * A CRC-32 written apart from @hanoi/core (which uses the crc-32 package), so
 * tests can pick ids by bucket without asking the code under test. Node 20
 * has no zlib.crc32. Checked against test/fixtures/bucketing.json in
 * test/core/percentage.test.ts.
 */

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * The IEEE/zlib CRC-32 of the UTF-8 bytes of `text`, unsigned.
 *
 * @example
 * referenceCrc32('123456789'); // 0xcbf43926
 */
export function referenceCrc32(text: string): number {
  let crc = 0xffffffff;
  if (/^[\x00-\x7f]*$/.test(text)) {
    // ASCII is its own UTF-8: skip the Buffer (the fairness tests hash millions of ids).
    for (let i = 0; i < text.length; i++) crc = TABLE[(crc ^ text.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  } else {
    for (const byte of Buffer.from(text, 'utf8')) crc = TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * SPEC.md's bucket: `crc32(utf8(id)) % 100`.
 *
 * @example
 * referenceBucket('444401'); // 85
 */
export function referenceBucket(id: string): number {
  return referenceCrc32(id) % 100;
}

/**
 * The first `count` ids `${prefix}0`, `${prefix}1`, ... whose bucket passes `accept`.
 *
 * @example
 * idsWhere((b) => b === 0, 3); // three ids in bucket 0
 */
export function idsWhere(accept: (bucket: number) => boolean, count: number, prefix = 'id-'): string[] {
  const found: string[] = [];
  for (let i = 0; found.length < count && i < 1_000_000; i++) {
    const id = `${prefix}${i}`;
    if (accept(referenceBucket(id))) found.push(id);
  }
  if (found.length < count) throw new Error(`only ${found.length} ids found`);
  return found;
}

/**
 * One id in bucket `b`.
 *
 * @example
 * idInBucket(99); // an id whose bucket is 99
 */
export function idInBucket(b: number, prefix = 'id-'): string {
  return idsWhere((bucket) => bucket === b, 1, prefix)[0]!;
}
