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
  const ascii = asciiPoint(feature, userId);
  if (ascii >= 0) return ascii;
  // UTF-8 takes at most 3 bytes per UTF-16 unit; one scratch buffer serves every call.
  const most = (feature.length + 1 + userId.length) * 3;
  if (scratch.length < most) scratch = new Uint8Array(most);
  const { written } = encoder.encodeInto(`${feature}\u0000${userId}`, scratch);
  return murmur3(scratch, 0, written) / 4294967296;
}

// An ASCII string's UTF-8 bytes are its char codes: murmur3 of the feature,
// a NUL and the id is read straight from the two strings, four bytes to a
// block (little-endian, as murmur3 reads them), with no joined string, no
// copy and no encoder call. Returns -1 at the first non-ASCII character (the
// caller then encodes the whole text). The same hash as `murmur3` on the
// bytes: pinned by the same vectors.
function asciiPoint(feature: string, userId: string): number {
  let h = 0;
  let k = 0;
  let n = 0;
  for (let part = 0; part < 2; part += 1) {
    const text = part === 0 ? feature : userId;
    for (let i = 0; i < text.length; i += 1) {
      const code = text.charCodeAt(i);
      if (code > 0x7f) return -1;
      k |= code << ((n & 3) << 3);
      n += 1;
      if ((n & 3) === 0) {
        h = mixBlock(h, k);
        k = 0;
      }
    }
    if (part === 0) {
      n += 1; // the NUL between the two: a zero byte, nothing to put into k
      if ((n & 3) === 0) {
        h = mixBlock(h, k);
        k = 0;
      }
    }
  }
  if ((n & 3) !== 0) h ^= Math.imul(rotl(Math.imul(k, C1), 15), C2);
  return finish(h, n) / 4294967296;
}

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** One 4-byte block of murmur3 into `h`. */
function mixBlock(h: number, k: number): number {
  h ^= Math.imul(rotl(Math.imul(k, C1), 15), C2);
  return (Math.imul(rotl(h, 13), 5) + 0xe6546b64) | 0;
}

/** murmur3's finaliser over `length` bytes, unsigned. */
function finish(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
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
  const blocks = length - (length % 4);
  let h = seed >>> 0;
  for (let i = 0; i < blocks; i += 4) {
    h = mixBlock(h, bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
  }
  const tail = length & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= bytes[blocks + 2]! << 16;
    if (tail >= 2) k ^= bytes[blocks + 1]! << 8;
    k ^= bytes[blocks]!;
    h ^= Math.imul(rotl(Math.imul(k, C1), 15), C2);
  }
  return finish(h, length);
}
