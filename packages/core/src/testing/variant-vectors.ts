/// <reference types="jest" />
/**
 * The golden variant values of test/fixtures/variant-vectors.json (computed
 * by test/fixtures/make-variant-vectors.py, outside this code base), carried
 * here so the contract suite ships whole; test/core/variant-vectors.test.ts
 * checks this copy against the file.
 */

/** One golden variant case. */
export interface VariantCase {
  feature: string;
  userId: string;
  /** MurmurHash3 x86_32, seed 0, of utf8(feature + '\0' + userId). */
  hash: number;
  /** hash / 2^32. */
  point: number;
  variants: { name: string; weight: number }[];
  variant: string;
}

/** A published MurmurHash3 x86_32 value. */
export interface MurmurCase {
  text: string;
  seed: number;
  hash: number;
}

const VECTORS: { murmur3: MurmurCase[]; cases: VariantCase[] } = {
  murmur3: [
    { text: '', seed: 0, hash: 0 },
    { text: '', seed: 1, hash: 1364076727 },
    { text: '', seed: 4294967295, hash: 2180083513 },
    { text: 'hello', seed: 0, hash: 613153351 },
    { text: 'Hello, world!', seed: 1234, hash: 4210478515 },
    { text: 'The quick brown fox jumps over the lazy dog', seed: 0, hash: 776992547 },
  ],
  cases: [
    {
      feature: 'cdc_on',
      userId: '443301',
      hash: 3205682312,
      point: 0.7463810760527849,
      variants: [
        { name: 'foo', weight: 1 },
        { name: 'bar', weight: 1 },
      ],
      variant: 'bar',
    },
    {
      feature: 'cdc_on',
      userId: '444401',
      hash: 1710588468,
      point: 0.39827741403132677,
      variants: [
        { name: 'red', weight: 1 },
        { name: 'green', weight: 1 },
        { name: 'blue', weight: 1 },
      ],
      variant: 'green',
    },
    {
      feature: 'cdc_on',
      userId: '42',
      hash: 937415236,
      point: 0.2182589927688241,
      variants: [
        { name: 'control', weight: 90 },
        { name: 'new', weight: 10 },
      ],
      variant: 'control',
    },
    {
      feature: 'cdc_on',
      userId: 'alice',
      hash: 1753566468,
      point: 0.4082840094342828,
      variants: [
        { name: 'foo', weight: 1 },
        { name: 'bar', weight: 1 },
      ],
      variant: 'foo',
    },
    {
      feature: 'cdc_on',
      userId: 'a,b',
      hash: 195955371,
      point: 0.04562441515736282,
      variants: [
        { name: 'red', weight: 1 },
        { name: 'green', weight: 1 },
        { name: 'blue', weight: 1 },
      ],
      variant: 'red',
    },
    {
      feature: 'cdc_on',
      userId: '\u00fcn\u00efcode',
      hash: 3056218344,
      point: 0.7115812841802835,
      variants: [
        { name: 'control', weight: 90 },
        { name: 'new', weight: 10 },
      ],
      variant: 'control',
    },
    {
      feature: 'cdc_on',
      userId: '\ud83d\ude00',
      hash: 3936320759,
      point: 0.9164960959460586,
      variants: [
        { name: 'foo', weight: 1 },
        { name: 'bar', weight: 1 },
      ],
      variant: 'bar',
    },
    {
      feature: 'cdc_on',
      userId: 'u-0000000',
      hash: 268552625,
      point: 0.06252728053368628,
      variants: [
        { name: 'red', weight: 1 },
        { name: 'green', weight: 1 },
        { name: 'blue', weight: 1 },
      ],
      variant: 'red',
    },
    {
      feature: 'cdc_on',
      userId: 'u-1999999',
      hash: 2052459763,
      point: 0.4778755276929587,
      variants: [
        { name: 'control', weight: 90 },
        { name: 'new', weight: 10 },
      ],
      variant: 'control',
    },
    {
      feature: 'checkout',
      userId: '443301',
      hash: 4241454695,
      point: 0.9875406266655773,
      variants: [
        { name: 'red', weight: 1 },
        { name: 'green', weight: 1 },
        { name: 'blue', weight: 1 },
      ],
      variant: 'blue',
    },
    {
      feature: 'checkout',
      userId: '444401',
      hash: 189198283,
      point: 0.04405115800909698,
      variants: [
        { name: 'control', weight: 90 },
        { name: 'new', weight: 10 },
      ],
      variant: 'control',
    },
    {
      feature: 'checkout',
      userId: '42',
      hash: 3648758094,
      point: 0.8495426955632865,
      variants: [
        { name: 'foo', weight: 1 },
        { name: 'bar', weight: 1 },
      ],
      variant: 'bar',
    },
    {
      feature: 'checkout',
      userId: 'alice',
      hash: 853767932,
      point: 0.1987833371385932,
      variants: [
        { name: 'red', weight: 1 },
        { name: 'green', weight: 1 },
        { name: 'blue', weight: 1 },
      ],
      variant: 'red',
    },
    {
      feature: 'checkout',
      userId: 'a,b',
      hash: 213318728,
      point: 0.04966713674366474,
      variants: [
        { name: 'control', weight: 90 },
        { name: 'new', weight: 10 },
      ],
      variant: 'control',
    },
    {
      feature: 'checkout',
      userId: '\u00fcn\u00efcode',
      hash: 102682607,
      point: 0.02390765747986734,
      variants: [
        { name: 'foo', weight: 1 },
        { name: 'bar', weight: 1 },
      ],
      variant: 'foo',
    },
    {
      feature: 'checkout',
      userId: '\ud83d\ude00',
      hash: 944483633,
      point: 0.21990473219193518,
      variants: [
        { name: 'red', weight: 1 },
        { name: 'green', weight: 1 },
        { name: 'blue', weight: 1 },
      ],
      variant: 'red',
    },
    {
      feature: 'checkout',
      userId: 'u-0000000',
      hash: 352284512,
      point: 0.08202262967824936,
      variants: [
        { name: 'control', weight: 90 },
        { name: 'new', weight: 10 },
      ],
      variant: 'control',
    },
    {
      feature: 'checkout',
      userId: 'u-1999999',
      hash: 1840162291,
      point: 0.42844617064110935,
      variants: [
        { name: 'foo', weight: 1 },
        { name: 'bar', weight: 1 },
      ],
      variant: 'foo',
    },
    {
      feature: 'users:x',
      userId: '443301',
      hash: 595914813,
      point: 0.13874722947366536,
      variants: [
        { name: 'control', weight: 90 },
        { name: 'new', weight: 10 },
      ],
      variant: 'control',
    },
    {
      feature: 'users:x',
      userId: '444401',
      hash: 2023291491,
      point: 0.47108426014892757,
      variants: [
        { name: 'foo', weight: 1 },
        { name: 'bar', weight: 1 },
      ],
      variant: 'foo',
    },
    {
      feature: 'users:x',
      userId: '42',
      hash: 2349315727,
      point: 0.5469926928635687,
      variants: [
        { name: 'red', weight: 1 },
        { name: 'green', weight: 1 },
        { name: 'blue', weight: 1 },
      ],
      variant: 'green',
    },
    {
      feature: 'users:x',
      userId: 'alice',
      hash: 1549060455,
      point: 0.36066874279640615,
      variants: [
        { name: 'control', weight: 90 },
        { name: 'new', weight: 10 },
      ],
      variant: 'control',
    },
    {
      feature: 'users:x',
      userId: 'a,b',
      hash: 1668220402,
      point: 0.38841282995417714,
      variants: [
        { name: 'foo', weight: 1 },
        { name: 'bar', weight: 1 },
      ],
      variant: 'foo',
    },
    {
      feature: 'users:x',
      userId: '\u00fcn\u00efcode',
      hash: 3168617562,
      point: 0.7377512664534152,
      variants: [
        { name: 'red', weight: 1 },
        { name: 'green', weight: 1 },
        { name: 'blue', weight: 1 },
      ],
      variant: 'blue',
    },
    {
      feature: 'users:x',
      userId: '\ud83d\ude00',
      hash: 950643066,
      point: 0.22133883694186807,
      variants: [
        { name: 'control', weight: 90 },
        { name: 'new', weight: 10 },
      ],
      variant: 'control',
    },
    {
      feature: 'users:x',
      userId: 'u-0000000',
      hash: 530266712,
      point: 0.12346233986318111,
      variants: [
        { name: 'foo', weight: 1 },
        { name: 'bar', weight: 1 },
      ],
      variant: 'foo',
    },
    {
      feature: 'users:x',
      userId: 'u-1999999',
      hash: 70735416,
      point: 0.016469372436404228,
      variants: [
        { name: 'red', weight: 1 },
        { name: 'green', weight: 1 },
        { name: 'blue', weight: 1 },
      ],
      variant: 'red',
    },
    {
      feature: '\u00e9t\u00e9-\ud83d\ude80',
      userId: '443301',
      hash: 2396489575,
      point: 0.5579762102570385,
      variants: [
        { name: 'foo', weight: 1 },
        { name: 'bar', weight: 1 },
      ],
      variant: 'bar',
    },
    {
      feature: '\u00e9t\u00e9-\ud83d\ude80',
      userId: '444401',
      hash: 3360067545,
      point: 0.7823266892228276,
      variants: [
        { name: 'red', weight: 1 },
        { name: 'green', weight: 1 },
        { name: 'blue', weight: 1 },
      ],
      variant: 'blue',
    },
    {
      feature: '\u00e9t\u00e9-\ud83d\ude80',
      userId: '42',
      hash: 2581947188,
      point: 0.6011564256623387,
      variants: [
        { name: 'control', weight: 90 },
        { name: 'new', weight: 10 },
      ],
      variant: 'control',
    },
    {
      feature: '\u00e9t\u00e9-\ud83d\ude80',
      userId: 'alice',
      hash: 3037433628,
      point: 0.7072076266631484,
      variants: [
        { name: 'foo', weight: 1 },
        { name: 'bar', weight: 1 },
      ],
      variant: 'bar',
    },
    {
      feature: '\u00e9t\u00e9-\ud83d\ude80',
      userId: 'a,b',
      hash: 132468689,
      point: 0.03084277012385428,
      variants: [
        { name: 'red', weight: 1 },
        { name: 'green', weight: 1 },
        { name: 'blue', weight: 1 },
      ],
      variant: 'red',
    },
    {
      feature: '\u00e9t\u00e9-\ud83d\ude80',
      userId: '\u00fcn\u00efcode',
      hash: 3442009461,
      point: 0.8014052782673389,
      variants: [
        { name: 'control', weight: 90 },
        { name: 'new', weight: 10 },
      ],
      variant: 'control',
    },
    {
      feature: '\u00e9t\u00e9-\ud83d\ude80',
      userId: '\ud83d\ude00',
      hash: 2683477840,
      point: 0.6247958727180958,
      variants: [
        { name: 'foo', weight: 1 },
        { name: 'bar', weight: 1 },
      ],
      variant: 'bar',
    },
    {
      feature: '\u00e9t\u00e9-\ud83d\ude80',
      userId: 'u-0000000',
      hash: 3553010039,
      point: 0.8272496142890304,
      variants: [
        { name: 'red', weight: 1 },
        { name: 'green', weight: 1 },
        { name: 'blue', weight: 1 },
      ],
      variant: 'blue',
    },
    {
      feature: '\u00e9t\u00e9-\ud83d\ude80',
      userId: 'u-1999999',
      hash: 3959388029,
      point: 0.9218668632674962,
      variants: [
        { name: 'control', weight: 90 },
        { name: 'new', weight: 10 },
      ],
      variant: 'new',
    },
  ],
};

/**
 * The golden variant values.
 *
 * @example
 * const { cases } = loadVariantVectors();
 */
export function loadVariantVectors(): { murmur3: MurmurCase[]; cases: VariantCase[] } {
  return VECTORS;
}
