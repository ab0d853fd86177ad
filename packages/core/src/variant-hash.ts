/**
 * The variant hash: MurmurHash3 (x86, 32-bit, seed 0) of the UTF-8 bytes of
 * `feature + "\u0000" + userId`, divided by 2^32 to land in [0, 1).
 *
 * Why not the bucket's CRC-32: CRC is linear, so a CRC of a salted id is tied
 * to the CRC of the id, and at 1% every user would get the same variant.
 * Murmur3's finaliser mixes every input bit into every output bit, so the
 * variant is independent of the bucket and of other features.
 *
 * DO NOT CHANGE: it would hand running experiments' users new variants.
 * Pinned by test/fixtures/variant-vectors.json.
 *
 * @example
 * variantPoint('checkout', '443301'); // a number in [0, 1), the same forever
 */
export function variantPoint(feature: string, userId: string): number {
  // UTF-8 takes at most 3 bytes per UTF-16 unit; one scratch buffer serves every call.
  const most = (feature.length + 1 + userId.length) * 3;
  if (scratch.length < most) scratch = new Uint8Array(most);
  const afterFeature = asciiInto(feature, scratch, 0);
  if (afterFeature >= 0) {
    scratch[afterFeature] = 0;
    const end = asciiInto(userId, scratch, afterFeature + 1);
    if (end >= 0) return murmur3(scratch, 0, end) / 4294967296;
  }
  const { written } = encoder.encodeInto(`${feature}\u0000${userId}`, scratch);
  return murmur3(scratch, 0, written) / 4294967296;
}

// An ASCII string's UTF-8 bytes are its char codes: copied straight in, with
// no joined string and no encoder call. Returns where it stopped, or -1 at
// the first non-ASCII character (the caller then encodes the whole text).
function asciiInto(text: string, into: Uint8Array, at: number): number {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return -1;
    into[at + i] = code;
  }
  return at + text.length;
}

const encoder = new TextEncoder();
let scratch = new Uint8Array(1024);

/**
 * MurmurHash3 x86 32-bit of the first `length` bytes of `bytes` with `seed`, as an unsigned integer.
 *
 * @example
 * murmur3(Buffer.from('hello')); // 0x248bfa47
 */
export function murmur3(bytes: Uint8Array, seed = 0, length = bytes.length): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  const blocks = length - (length % 4);
  let h = seed >>> 0;
  for (let i = 0; i < blocks; i += 4) {
    let k = (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = length & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= bytes[blocks + 2]! << 16;
    if (tail >= 2) k ^= bytes[blocks + 1]! << 8;
    k ^= bytes[blocks]!;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
