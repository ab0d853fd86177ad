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
  return pointAfter(prefixOf(feature), feature, userId);
}

/**
 * @internal `variantPoint` with the hash's state after the name already worked out (`namePrefix(feature)`, kept on
 * the feature's state).
 */
export function pointAfter(prefix: NamePrefix | undefined, feature: string, userId: string): number {
  const hash = prefix === undefined ? NaN : asciiHash(prefix, userId);
  // NaN is the one value not equal to itself: the id or the name is not ASCII.
  if (hash === hash) return (hash >>> 0) / 4294967296;
  // UTF-8 takes at most 3 bytes per UTF-16 unit; one scratch buffer serves every call.
  const most = (feature.length + 1 + userId.length) * 3;
  if (scratch.length < most) scratch = new Uint8Array(most);
  const { written } = encoder.encodeInto(`${feature}\u0000${userId}`, scratch);
  return murmur3(scratch, 0, written) / 4294967296;
}

// An ASCII string's UTF-8 bytes are its char codes: murmur3 of the feature,
// a NUL and the id is read straight from the two strings (little-endian, as
// murmur3 reads its blocks), with no joined string, no copy and no encoder
// call. The feature's part is the same for every user: its state (the whole
// blocks mixed, the bytes left over) is worked out once per name and kept,
// on the feature's state and in `prefixes`.
// Returns the hash as a signed 32-bit integer, which the engine hands back
// without allocating (an unsigned one past 2^31, or the point itself, would
// be a new heap number per call); NaN when the id is not ASCII (`prefix`
// exists only for an ASCII name; the caller then encodes the whole text).
// The same hash as `murmur3` on the bytes: pinned by the same vectors.
function asciiHash(prefix: NamePrefix, userId: string): number {
  const length = userId.length;
  const left = prefix.n & 3; // the bytes of the name and the NUL in the block it left open
  let h = prefix.h;
  // Every char code read is or-ed into `codes`; the id is ASCII when it stays at most 0x7f (tested once, at the
  // end, rather than once per character). The block the name left open, the whole blocks and the tail are
  // written out rather than looped over a byte at a time: a loop pays its counter and its checks per character.
  let codes = 0;
  let i = 0;
  if (left !== 0) {
    i = 4 - left; // the id's characters that close the name's block
    if (length < i) return shortIdHash(prefix, userId);
    let k = prefix.k;
    const a = userId.charCodeAt(0);
    if (i === 1) {
      codes = a;
      k |= a << 24;
    } else {
      const b = userId.charCodeAt(1);
      if (i === 2) {
        codes = a | b;
        k |= (a << 16) | (b << 24);
      } else {
        const c = userId.charCodeAt(2);
        codes = a | b | c;
        k |= (a << 8) | (b << 16) | (c << 24);
      }
    }
    k = Math.imul(k, 0xcc9e2d51); // mixBlock, written in place as in the loop below
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
  }
  for (; i + 4 <= length; i += 4) {
    const a = userId.charCodeAt(i);
    const b = userId.charCodeAt(i + 1);
    const c = userId.charCodeAt(i + 2);
    const d = userId.charCodeAt(i + 3);
    codes |= a | b | c | d;
    // mixBlock and scramble written in place: a call to a module's function here checks, at every block, that
    // the module still binds the function the code was compiled for.
    let m = Math.imul(a | (b << 8) | (c << 16) | (d << 24), 0xcc9e2d51);
    m = Math.imul((m << 15) | (m >>> 17), 0x1b873593);
    h ^= m;
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
  }
  const tail = length - i;
  if (tail !== 0) {
    let k = userId.charCodeAt(i);
    codes |= k;
    if (tail !== 1) {
      const b = userId.charCodeAt(i + 1);
      codes |= b;
      k |= b << 8;
      if (tail === 3) {
        const c = userId.charCodeAt(i + 2);
        codes |= c;
        k |= c << 16;
      }
    }
    k = Math.imul(k, 0xcc9e2d51);
    h ^= Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  }
  if (codes > 0x7f) return NaN;
  h ^= prefix.n + length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** `asciiHash` for an id too short to close the block the name left open (one or two characters, or none). */
function shortIdHash(prefix: NamePrefix, userId: string): number {
  let k = prefix.k;
  let codes = 0;
  for (let i = 0, r = prefix.n & 3; i < userId.length; i += 1, r += 1) {
    const code = userId.charCodeAt(i);
    codes |= code;
    k |= code << (r << 3);
  }
  if (codes > 0x7f) return NaN;
  // The name left bytes in k, so the whole text ends in a partial block.
  return finish(prefix.h ^ scramble(k), prefix.n + userId.length) | 0;
}

/**
 * @internal murmur3's state after a feature's name and the NUL: the whole blocks mixed into `h`, the `n & 3` bytes
 * left in `k`.
 */
export interface NamePrefix {
  readonly h: number;
  readonly k: number;
  readonly n: number;
}

/** Prefixes by feature name; cleared when it reaches `MAX_PREFIXES` names, so it stays bounded. */
const prefixes = new Map<string, NamePrefix>();
const MAX_PREFIXES = 4096;
let lastName = '';
let lastPrefix: NamePrefix | undefined;

/** `namePrefix`, kept by name. */
function prefixOf(feature: string): NamePrefix | undefined {
  if (feature === lastName && lastPrefix !== undefined) return lastPrefix;
  let prefix = prefixes.get(feature);
  if (prefix === undefined) {
    prefix = namePrefix(feature);
    if (prefix === undefined) return undefined;
    if (prefixes.size >= MAX_PREFIXES) prefixes.clear();
    prefixes.set(feature, prefix);
  }
  lastName = feature;
  lastPrefix = prefix;
  return prefix;
}

/**
 * @internal The murmur3 state after `feature` and the NUL, or `undefined` when `feature` is not ASCII.
 *
 * @example
 * pointAfter(namePrefix('checkout'), 'checkout', '443301') === variantPoint('checkout', '443301'); // true
 */
export function namePrefix(feature: string): NamePrefix | undefined {
  let h = 0;
  let k = 0;
  // Every byte of the name, then the NUL: a zero byte, nothing to put into k.
  for (let n = 0; n <= feature.length; n += 1) {
    const code = n < feature.length ? feature.charCodeAt(n) : 0;
    if (code > 0x7f) return undefined;
    k |= code << ((n & 3) << 3);
    if ((n & 3) === 3) {
      h = mixBlock(h, k);
      k = 0;
    }
  }
  return { h, k, n: feature.length + 1 };
}

/**
 * murmur3's scrambling of a 4-byte block `k`: times c1, rotated 15, times c2. The constants are written in place:
 * kept in module constants, each use reads the slot and converts the number it holds (c1 is past int32).
 */
function scramble(k: number): number {
  return Math.imul(rotl(Math.imul(k, 0xcc9e2d51), 15), 0x1b873593);
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** One 4-byte block of murmur3 into `h`. */
function mixBlock(h: number, k: number): number {
  h ^= scramble(k);
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
    h ^= scramble(k);
  }
  return finish(h, length);
}
