/// <reference types="jest" />
import { InvalidArgumentError, type Rollout } from '../index';
import { everything, type UseSubject } from './contract-subject';

type Call = (rollout: Rollout) => Promise<unknown>;
const any = (value: unknown) => value as never;

/** [what, call, the field the error must name, text the message must show]. */
export const INVALID_CALLS: [string, Call, string, string][] = [
  ['addFunc with an empty name', (r) => r.addFunc(''), 'name', '""'],
  ['addFunc with a space in the name', (r) => r.addFunc('a b'), 'name', '"a b"'],
  ['addFunc with a 129-character name', (r) => r.addFunc('n'.repeat(129)), 'name', 'nnnn'],
  ['addFunc with a number for a name', (r) => r.addFunc(any(7)), 'name', '7'],
  ['addFunc at 101%', (r) => r.addFunc('beta', { percentage: 101 }), 'percentage', '101'],
  ['addFunc with a duplicate variant', (r) => r.addFunc('beta', { variants: ['a', 'a'] }), 'variants', '"a"'],
  ['setPercentage 101', (r) => r.setPercentage('beta', 101), 'percentage', '101'],
  ['setPercentage -1', (r) => r.setPercentage('beta', -1), 'percentage', '-1'],
  ['setPercentage 50.5', (r) => r.setPercentage('beta', 50.5), 'percentage', '50.5'],
  ['setPercentage "50"', (r) => r.setPercentage('beta', any('50')), 'percentage', '"50"'],
  ['setPercentage NaN', (r) => r.setPercentage('beta', NaN), 'percentage', 'NaN'],
  ['setVariants with a duplicate', (r) => r.setVariants('beta', ['x', { name: 'x', weight: 2 }]), 'variants', '"x"'],
  ['setVariants with weight 0', (r) => r.setVariants('beta', [{ name: 'x', weight: 0 }]), 'variant weight', '0'],
  ['setVariants with weight -1', (r) => r.setVariants('beta', [{ name: 'x', weight: -1 }]), 'variant weight', '-1'],
  ['setVariants with weight NaN', (r) => r.setVariants('beta', [{ name: 'x', weight: NaN }]), 'variant weight', 'NaN'],
  ['setVariants with an empty name', (r) => r.setVariants('beta', ['']), 'variant name', '""'],
  ['register an empty id', (r) => r.register('beta', ''), 'user id', '""'],
  ['register NaN', (r) => r.register('beta', NaN), 'user id', 'NaN'],
  ['register Infinity', (r) => r.register('beta', Infinity), 'user id', 'Infinity'],
  ['register a 513-code-point id', (r) => r.register('beta', '😀'.repeat(513)), 'user id', '😀'],
  ['register a list with one bad id', (r) => r.register('beta', ['ok-1', NaN]), 'user id', 'NaN'],
  ['register an empty list', (r) => r.register('beta', []), 'user', '[]'],
  ['register a back-reference pattern', (r) => r.register('beta', /(a)\1/), 'pattern', '(a)'],
  ['unregister NaN', (r) => r.unregister('beta', NaN), 'user id', 'NaN'],
  ['enable a bad name', (r) => r.enable('a\nb'), 'name', 'a\\nb'],
];

/** Invalid input: InvalidArgumentError naming the field and value, and nothing changed. */
export function describeInvalidInput(use: UseSubject): void {
  describe('invalid input', () => {
    it.each(INVALID_CALLS)('%s: InvalidArgumentError, nothing changed', async (_what, call, field, shown) => {
      const { rollout } = use();
      await rollout.addFunc('beta', { percentage: 10, variants: ['a', 'b'] });
      await rollout.register('beta', ['u1', 'u2']);
      await rollout.register('beta', /01$/);
      const before = await everything(rollout);
      const error = await call(rollout).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ code: 'HANOI_INVALID_ARGUMENT', field });
      expect((error as Error).message).toContain(field);
      expect((error as Error).message).toContain(shown);
      expect(await everything(rollout)).toEqual(before);
    });
  });
}
