/// <reference types="jest" />
import type { UseSubject } from './contract-subject';

/** `rollout.explainNow`: the same explanation as `explain` whenever it answers without the store. */
export function describeExplainNow(use: UseSubject): void {
  describe('explainNow', () => {
    it('equals explain, or is undefined exactly when the store holds the users and must be asked', async () => {
      const { rollout, backend } = use();
      await rollout.addFunc('split', { percentage: 30 });
      await rollout.addFunc('listed', { percentage: 0 });
      await rollout.register('listed', ['alice', 'bob']);
      await rollout.register('listed', /^adm/);
      await rollout.addFunc('everyone', { percentage: 100 });
      await rollout.addFunc('off', { percentage: 100, enabled: false });
      const storeHoldsUsers = backend.peek('listed')!.users === undefined;
      for (const name of ['split', 'listed', 'everyone', 'off', 'ghost']) {
        for (const user of ['alice', 'admin', 'carol', 42, undefined]) {
          const now = rollout.explainNow(name, user);
          const asks = storeHoldsUsers && name === 'listed' && user !== undefined;
          if (asks) expect([name, user, now]).toEqual([name, user, undefined]);
          else expect([name, user, now]).toEqual([name, user, await rollout.explain(name, user)]);
        }
      }
      // Inside a request's answers, it answers from them, the store never asked.
      const features = await rollout.forUser('alice');
      expect(rollout.withFeatures(features, () => rollout.explainNow('listed'))).toEqual({
        enabled: true,
        reason: 'listed',
      });
    });
  });
}
