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
  return CRC32.str(text) >>> 0;
}
