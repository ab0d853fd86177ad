/// <reference types="jest" />
import { FeatureNotFoundError, type Rollout } from '../index';
import { everything, type UseSubject } from './contract-subject';

const CALLS: [string, (rollout: Rollout) => Promise<unknown>][] = [
  ['register(id)', (r) => r.register('ghost', 'u1')],
  ['register([ids])', (r) => r.register('ghost', ['u1', 'u2'])],
  ['register(pattern)', (r) => r.register('ghost', /01$/)],
  ['unregister(id)', (r) => r.unregister('ghost', 'u1')],
  ['unregister([ids])', (r) => r.unregister('ghost', ['u1', 'u2'])],
  ['unregister(pattern)', (r) => r.unregister('ghost', /01$/)],
  ['setPercentage', (r) => r.setPercentage('ghost', 50)],
  ['setVariants', (r) => r.setVariants('ghost', ['a', 'b'])],
  ['enable', (r) => r.enable('ghost')],
  ['disable', (r) => r.disable('ghost')],
  ['toggle', (r) => r.toggle('ghost')],
  ['remove', (r) => r.remove('ghost')],
];

/** Every management call but addFunc on an unknown feature: FeatureNotFoundError, nothing created. */
export function describeUnknownFeature(use: UseSubject): void {
  describe('an unknown feature', () => {
    it.each(CALLS)('%s rejects with FeatureNotFoundError and creates nothing', async (_label, call) => {
      const { rollout, backend } = use();
      await rollout.addFunc('other', { percentage: 10 });
      await rollout.register('other', 'u1');
      const before = await everything(rollout);
      const error = await call(rollout).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(FeatureNotFoundError);
      expect(error).toMatchObject({ code: 'HANOI_FEATURE_NOT_FOUND', feature: 'ghost' });
      expect((error as Error).message).toContain('addFunc');
      expect(await rollout.getFunc('ghost')).toBeUndefined();
      expect(await everything(rollout)).toEqual(before);
      expect(backend.peek('ghost')).toBeUndefined();
      expect(backend.knownNames()).not.toContain('ghost');
      expect(await rollout.isEnabled('ghost', 'u1')).toBe(false);
    });

    it('a removed feature is unknown again', async () => {
      const { rollout } = use();
      await rollout.addFunc('ghost');
      await rollout.remove('ghost');
      await expect(rollout.setPercentage('ghost', 5)).rejects.toBeInstanceOf(FeatureNotFoundError);
      await expect(rollout.remove('ghost')).rejects.toBeInstanceOf(FeatureNotFoundError);
      expect(await rollout.listFuncs()).toEqual([]);
    });

    it('checks on an unknown feature answer off and undefined, without throwing', async () => {
      const { rollout } = use();
      expect(await rollout.isEnabled('ghost', 'u1')).toBe(false);
      expect(await rollout.isEnabled('ghost')).toBe(false);
      expect(await rollout.variant('ghost', 'u1')).toBeUndefined();
      const features = await rollout.forUser('u1');
      expect(features.isEnabled('ghost')).toBe(false);
      expect(features.variant('ghost')).toBeUndefined();
      expect(await rollout.explain('ghost', 'u1')).toEqual({ enabled: false, reason: 'unknown' });
      expect(await rollout.listFuncs()).toEqual([]);
    });
  });
}
