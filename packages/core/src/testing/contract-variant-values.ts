/// <reference types="jest" />
import { InvalidArgumentError, MAX_VARIANT_VALUE_BYTES } from '../index';
import { everything, quietRollout, type UseSubject } from './contract-subject';

/** Variants that carry a JSON `value` (SPEC.md "OpenFeature"), on this backend. */
export function describeVariantValues(use: UseSubject): void {
  describe('variant values', () => {
    // Parsed, so '__proto__' is an own key (in an object literal it would set the prototype).
    const config = JSON.parse(
      '{"color":"green","sizes":[1,2.5,-3],"nested":{"on":true,"none":null,"__proto__":"plain key"}}',
    ) as Record<string, unknown>;

    it('addFunc and setVariants store values; getFunc and peek read them back, and a second Rollout sees them', async () => {
      const { rollout, backend } = use();
      await rollout.addFunc('exp', {
        percentage: 100,
        variants: [{ name: 'a', value: 'blue' }, { name: 'b', weight: 3, value: 42 }, 'c'],
      });
      const expected = [
        { name: 'a', weight: 1, value: 'blue' },
        { name: 'b', weight: 3, value: 42 },
        { name: 'c', weight: 1 },
      ];
      expect((await rollout.getFunc('exp'))!.variants).toEqual(expected);
      expect(backend.peek('exp')!.variants).toEqual(expected);
      await rollout.setVariants('exp', [
        { name: 'x', value: JSON.parse(JSON.stringify(config)) },
        { name: 'y', value: ['ünïcödé 🎉', false] },
        { name: 'z', value: null },
      ]);
      const stored = (await quietRollout(backend).getFunc('exp'))!.variants;
      expect(stored).toEqual([
        { name: 'x', weight: 1, value: config },
        { name: 'y', weight: 1, value: ['ünïcödé 🎉', false] },
        { name: 'z', weight: 1, value: null },
      ]);
      // '__proto__' stays an own, plain key, not a prototype.
      const nested = (stored[0]!.value as { nested: object }).nested;
      expect(Object.keys(nested)).toEqual(['on', 'none', '__proto__']);
      expect(Object.getPrototypeOf(nested)).toBe(Object.prototype);
      expect(backend.peek('exp')!.variants.map((v) => v.value)).toEqual([config, ['ünïcödé 🎉', false], null]);
    });

    it('a re-add without variants keeps the values; the values do not change which variant a user gets', async () => {
      const { rollout } = use();
      await rollout.addFunc('plain', { percentage: 100, variants: ['a', 'b', 'c'] });
      await rollout.addFunc('valued', {
        percentage: 100,
        variants: [
          { name: 'a', value: 1 },
          { name: 'b', value: 2 },
          { name: 'c', value: 3 },
        ],
      });
      await rollout.addFunc('valued', { percentage: 100 });
      expect((await rollout.getFunc('valued'))!.variants.map((v) => v.value)).toEqual([1, 2, 3]);
      for (let i = 0; i < 50; i++) {
        // Variants are picked from (feature name, user): compare one feature under two definitions.
        const id = `user-${i}`;
        const before = await rollout.variant('valued', id);
        await rollout.setVariants('valued', ['a', 'b', 'c']);
        expect(await rollout.variant('valued', id)).toBe(before);
        await rollout.setVariants('valued', [
          { name: 'a', value: 1 },
          { name: 'b', value: 2 },
          { name: 'c', value: 3 },
        ]);
      }
    });

    it('changing what the caller passed, or what getFunc returned, changes nothing stored', async () => {
      const { rollout, backend } = use();
      const value = { list: ['a'] };
      await rollout.addFunc('exp', { variants: [{ name: 'a', value }] });
      value.list.push('changed');
      const read = (await rollout.getFunc('exp'))!.variants[0]!.value as { list: string[] };
      read.list.push('changed too');
      expect((await rollout.getFunc('exp'))!.variants[0]!.value).toEqual({ list: ['a'] });
      expect(backend.peek('exp')!.variants[0]!.value).toEqual({ list: ['a'] });
    });

    it.each([
      ['a function', () => 1],
      ['undefined inside an object', { a: undefined }],
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['a bigint', BigInt(1)],
      ['a symbol', Symbol('s')],
      ['a Date', new Date(0)],
      ['a Map', new Map()],
      ['an array with holes', [1, , 3]], // eslint-disable-line no-sparse-arrays
      ['a class instance', new (class Point {})()],
      ['too large', 'x'.repeat(MAX_VARIANT_VALUE_BYTES)],
      ['too large in UTF-8', 'é'.repeat(MAX_VARIANT_VALUE_BYTES / 2)],
      ['too deep', JSON.parse('['.repeat(40) + ']'.repeat(40))],
    ])('%s is refused with an InvalidArgumentError naming the field, and nothing changes', async (_label, value) => {
      const { rollout } = use();
      await rollout.addFunc('exp', { percentage: 5, variants: [{ name: 'a', value: 'kept' }] });
      const before = await everything(rollout);
      for (const write of [
        () => rollout.addFunc('exp', { variants: [{ name: 'a', value: value as never }] }),
        () =>
          rollout.setVariants('exp', [
            { name: 'b', value: 1 },
            { name: 'a', value: value as never },
          ]),
        () => rollout.addFunc('fresh', { variants: [{ name: 'a', value: value as never }] }),
      ]) {
        const error = await write().then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect(error).toMatchObject({ code: 'HANOI_INVALID_ARGUMENT', field: 'variant value' });
        expect((error as Error).message).toMatch(/variant "a"/);
      }
      expect(await everything(rollout)).toEqual(before);
    });

    it('a value that refers to itself is refused rather than overflowing the stack', async () => {
      const { rollout } = use();
      const loop: Record<string, unknown> = {};
      loop.self = loop;
      await expect(rollout.addFunc('exp', { variants: [{ name: 'a', value: loop as never }] })).rejects.toMatchObject({
        field: 'variant value',
      });
      expect(await rollout.listFuncs()).toEqual([]);
    });

    it('the largest value allowed is stored whole', async () => {
      const { rollout } = use();
      const biggest = 'x'.repeat(MAX_VARIANT_VALUE_BYTES - 2); // two bytes of JSON quotes
      await rollout.addFunc('exp', { variants: [{ name: 'a', value: biggest }] });
      expect((await rollout.getFunc('exp'))!.variants[0]!.value).toBe(biggest);
    });
  });
}
