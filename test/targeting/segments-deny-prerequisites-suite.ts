import { type Backend, InUseError, InvalidArgumentError, Rollout, SegmentNotFoundError } from '@hanoi/core';
import { everything, idInBucket } from '@hanoi/core/testing';
import { refusal } from './refused';

/**
 * Segments, deny lists, prerequisites and explain on the backends `backend`
 * makes: MemoryBackend here, the Redis and PostgreSQL backends (both modes
 * of each) in test/redis and test/postgres.
 */
export function describeSegmentsDenyPrerequisites(label: string, backend: () => Backend): void {
  describe(label, () => {
    const inSegment = (...names: string[]) => ({ operator: 'IN_SEGMENT' as const, values: names });

    describe('segments (SPEC: Segments)', () => {
      it('define, register, unregister, get, list: a user is in it when listed or when its constraints hold', async () => {
        const rollout = new Rollout(backend());
        await rollout.defineSegment('testers', { users: ['u1', 2] });
        await rollout.defineSegment('dutch', {
          constraints: [{ attribute: 'country', operator: 'IN', values: ['NL'] }],
        });
        await rollout.addFunc('beta', { rules: [{ constraints: [inSegment('testers', 'dutch')] }] });
        expect(await rollout.isEnabled('beta', 'u1')).toBe(true);
        expect(await rollout.isEnabled('beta', 2)).toBe(true);
        expect(await rollout.isEnabled('beta', { id: 'u9', country: 'NL' })).toBe(true);
        expect(await rollout.isEnabled('beta', 'u3')).toBe(false);
        await rollout.registerSegment('testers', ['u3']);
        expect(await rollout.isEnabled('beta', 'u3')).toBe(true);
        await rollout.unregisterSegment('testers', 'u1');
        expect(await rollout.isEnabled('beta', 'u1')).toBe(false);
        expect(await rollout.getSegment('testers')).toEqual({ name: 'testers', users: ['2', 'u3'], constraints: [] });
        expect((await rollout.listSegments()).sort()).toEqual(['dutch', 'testers']);
        expect(await rollout.getSegment('ghost')).toBeUndefined();
      });

      it('a segment with neither users nor constraints holds for nobody; redefining replaces only the fields given', async () => {
        const rollout = new Rollout(backend());
        await rollout.defineSegment('s');
        await rollout.addFunc('f', { rules: [{ constraints: [inSegment('s')] }] });
        expect(await rollout.isEnabled('f', {})).toBe(false);
        await rollout.defineSegment('s', { users: ['u1'] });
        await rollout.defineSegment('s', { constraints: [{ attribute: 'plan', operator: 'IN', values: ['pro'] }] });
        expect(await rollout.isEnabled('f', 'u1')).toBe(true);
        expect(await rollout.isEnabled('f', { plan: 'pro' })).toBe(true);
      });

      it('a segment of 100,000 users answers each of them (membership is a set lookup)', async () => {
        const rollout = new Rollout(backend());
        const users = Array.from({ length: 100_000 }, (_, i) => `member-${i}`);
        await rollout.defineSegment('big', { users });
        await rollout.addFunc('f', { rules: [{ constraints: [inSegment('big')] }] });
        const features = await rollout.forUser('member-99999');
        expect(features.isEnabled('f')).toBe(true);
        expect(await rollout.isEnabled('f', 'member-100000')).toBe(false);
      });

      it('removeSegment is refused with HANOI_CONFLICT while a rule uses it, and works once none does', async () => {
        const rollout = new Rollout(backend());
        await rollout.defineSegment('s', { users: ['u1'] });
        await rollout.addFunc('f', { rules: [{ constraints: [inSegment('s')] }] });
        const error = await refusal(() => rollout.removeSegment('s'));
        expect(error).toBeInstanceOf(InUseError);
        expect(error.code).toBe('HANOI_CONFLICT');
        expect(error.message).toContain('"f"');
        expect(await rollout.getSegment('s')).toBeDefined();
        await rollout.setRules('f', []);
        await rollout.removeSegment('s');
        expect(await rollout.listSegments()).toEqual([]);
      });

      it('calls on a segment that does not exist are HANOI_SEGMENT_NOT_FOUND; invalid input is refused', async () => {
        const rollout = new Rollout(backend());
        for (const call of [
          () => rollout.registerSegment('ghost', 'u1'),
          () => rollout.unregisterSegment('ghost', 'u1'),
          () => rollout.removeSegment('ghost'),
        ]) {
          expect(await refusal(call)).toBeInstanceOf(SegmentNotFoundError);
        }
        expect((await refusal(() => rollout.defineSegment('bad name'))).field).toBe('segment name');
        expect((await refusal(() => rollout.defineSegment('s', { users: [NaN] }))).field).toBe('segment user');
        const nested = await refusal(() => rollout.defineSegment('s', { constraints: [inSegment('t')] }));
        expect(nested).toBeInstanceOf(InvalidArgumentError);
        expect(await rollout.listSegments()).toEqual([]);
      });
    });

    describe('the deny list (SPEC: The deny list)', () => {
      it('beats 100%, listed users, patterns and rules; undeny lets the unit back in', async () => {
        const rollout = new Rollout(backend());
        await rollout.addFunc('f', { rules: [{ constraints: [] }] });
        await rollout.register('f', ['listed']);
        await rollout.register('f', /^vip-/);
        await rollout.deny('f', ['listed', 'vip-1', 'plain', 42]);
        for (const id of ['listed', 'vip-1', 'plain', '42']) {
          expect(await rollout.explain('f', id)).toEqual({ enabled: false, reason: 'denied' });
        }
        await rollout.setPercentage('f', 100);
        expect(await rollout.isEnabled('f', 'plain')).toBe(false);
        expect(await rollout.isEnabled('f', 'other')).toBe(true);
        expect((await rollout.getFunc('f'))!.deny!.sort()).toEqual(['42', 'listed', 'plain', 'vip-1']);
        await rollout.undeny('f', 'plain');
        expect(await rollout.isEnabled('f', 'plain')).toBe(true);
        expect((await rollout.forUser('vip-1')).isEnabled('f')).toBe(false);
      });

      it('needs a unit: a context without one is not denied', async () => {
        const rollout = new Rollout(backend());
        await rollout.addFunc('f', { percentage: 100 });
        await rollout.deny('f', 'u1');
        expect(await rollout.isEnabled('f', { country: 'NL' })).toBe(true);
      });

      it('on a feature that does not exist is FeatureNotFoundError; a bad id is refused, nothing changed', async () => {
        const rollout = new Rollout(backend());
        await rollout.addFunc('f');
        const before = await everything(rollout);
        expect((await refusal(() => rollout.deny('ghost', 'u1'))).code).toBe('HANOI_FEATURE_NOT_FOUND');
        expect(await refusal(() => rollout.deny('f', []))).toBeInstanceOf(InvalidArgumentError);
        expect(await refusal(() => rollout.deny('f', ['u1', NaN]))).toBeInstanceOf(InvalidArgumentError);
        expect(await everything(rollout)).toEqual(before);
      });
    });

    describe('prerequisites (SPEC: Prerequisites)', () => {
      async function family() {
        const rollout = new Rollout(backend());
        await rollout.addFunc('grandparent', {
          rules: [{ constraints: [{ attribute: 'plan', operator: 'IN', values: ['pro'] }] }],
        });
        await rollout.addFunc('parent', {
          percentage: 100,
          variants: ['red', 'blue'],
          requires: [{ feature: 'grandparent' }],
        });
        await rollout.addFunc('child', { percentage: 100, requires: [{ feature: 'parent' }] });
        return rollout;
      }

      it('a child is on only where its parent is on, for the same user: chains are followed', async () => {
        const rollout = await family();
        expect(await rollout.isEnabled('child', { id: 'u1', plan: 'pro' })).toBe(true);
        expect(await rollout.explain('child', { id: 'u1', plan: 'free' })).toEqual({
          enabled: false,
          reason: 'prerequisite',
          prerequisite: 'parent',
        });
        expect(await rollout.explain('parent', { id: 'u1', plan: 'free' })).toEqual({
          enabled: false,
          reason: 'prerequisite',
          prerequisite: 'grandparent',
        });
      });

      it('enabled: false is met when the parent is off; variants when the parent gives one of them', async () => {
        const rollout = await family();
        await rollout.addFunc('not-pro', { percentage: 100, requires: [{ feature: 'grandparent', enabled: false }] });
        expect(await rollout.isEnabled('not-pro', { id: 'u1', plan: 'free' })).toBe(true);
        expect(await rollout.isEnabled('not-pro', { id: 'u1', plan: 'pro' })).toBe(false);
        await rollout.addFunc('red-only', { percentage: 100, requires: [{ feature: 'parent', variants: ['red'] }] });
        for (let i = 0; i < 20; i++) {
          const user = { id: `user-${i}`, plan: 'pro' };
          expect(await rollout.isEnabled('red-only', user)).toBe((await rollout.variant('parent', user)) === 'red');
        }
      });

      it('a prerequisite naming a feature that does not exist is not met; the parent being disabled is not met', async () => {
        const rollout = await family();
        await rollout.addFunc('orphan', { percentage: 100, requires: [{ feature: 'nobody' }] });
        expect(await rollout.isEnabled('orphan', 'u1')).toBe(false);
        await rollout.disable('grandparent');
        expect(await rollout.isEnabled('child', { id: 'u1', plan: 'pro' })).toBe(false);
      });

      it('a write that would make a cycle is an InvalidArgumentError, and nothing is stored', async () => {
        const rollout = await family();
        const before = await everything(rollout);
        for (const requires of [[{ feature: 'child' }], [{ feature: 'grandparent' }]]) {
          const error = await refusal(() => rollout.addFunc('grandparent', { requires }));
          expect(error).toBeInstanceOf(InvalidArgumentError);
          expect(error.field).toBe('requires');
        }
        expect((await refusal(() => rollout.addFunc('self', { requires: [{ feature: 'self' }] }))).field).toBe(
          'requires',
        );
        expect(await everything(rollout)).toEqual(before);
      });

      it('remove of a feature another requires is refused with HANOI_CONFLICT', async () => {
        const rollout = await family();
        const error = await refusal(() => rollout.remove('parent'));
        expect(error.code).toBe('HANOI_CONFLICT');
        expect(error.message).toContain('"child"');
        expect(await rollout.getFunc('parent')).toBeDefined();
        await rollout.addFunc('child', { requires: [] });
        await rollout.remove('parent');
        expect(await rollout.getFunc('parent')).toBeUndefined();
      });

      it('invalid prerequisites are refused naming the field', async () => {
        const rollout = await family();
        expect((await refusal(() => rollout.addFunc('x', { requires: [{ feature: '' }] }))).field).toBe(
          'requires[0].feature',
        );
        expect(
          (await refusal(() => rollout.addFunc('x', { requires: [{ feature: 'parent', enabled: 'no' as never }] })))
            .field,
        ).toBe('requires[0].enabled');
        expect(
          (
            await refusal(() =>
              rollout.addFunc('x', { requires: [{ feature: 'parent', enabled: false, variants: ['red'] }] }),
            )
          ).field,
        ).toBe('requires[0].variants');
        expect(await rollout.getFunc('x')).toBeUndefined();
      });

      it('the order: disabled, then prerequisite, then denied', async () => {
        const rollout = await family();
        await rollout.deny('child', 'u1');
        expect(await rollout.explain('child', { id: 'u1', plan: 'free' })).toMatchObject({ reason: 'prerequisite' });
        expect(await rollout.explain('child', { id: 'u1', plan: 'pro' })).toEqual({ enabled: false, reason: 'denied' });
        await rollout.disable('child');
        expect(await rollout.explain('child', { id: 'u1', plan: 'free' })).toEqual({
          enabled: false,
          reason: 'disabled',
        });
      });
    });

    describe('explain names which step decided (SPEC: The order of evaluation)', () => {
      it('rule: { index, name }; when none held, rules: [{ index, name, failed }] with the first failing constraint or percentage', async () => {
        const rollout = new Rollout(backend());
        await rollout.addFunc('f', {
          percentage: 10,
          rules: [
            {
              name: 'pro in NL',
              constraints: [
                { attribute: 'country', operator: 'IN', values: ['NL'] },
                { attribute: 'plan', operator: 'IN', values: ['pro'] },
              ],
            },
            { constraints: [{ attribute: 'beta', operator: 'IN', values: ['true'] }], percentage: 1 },
          ],
        });
        expect(await rollout.explain('f', { id: 'u', country: 'NL', plan: 'pro' })).toEqual({
          enabled: true,
          reason: 'rule',
          rule: { index: 0, name: 'pro in NL' },
        });
        const id = idInBucket(50);
        expect(await rollout.explain('f', { id, country: 'NL', plan: 'free', beta: true })).toEqual({
          enabled: false,
          reason: 'bucket',
          bucket: 50,
          percentage: 10,
          rules: [
            { index: 0, name: 'pro in NL', failed: 1 },
            { index: 1, failed: 'percentage' },
          ],
        });
        expect(await rollout.explain('f', { country: 'DE' })).toEqual({
          enabled: false,
          reason: 'no-user',
          percentage: 10,
          rules: [
            { index: 0, name: 'pro in NL', failed: 0 },
            { index: 1, failed: 0 },
          ],
        });
        const features = await rollout.forUser({ id: idInBucket(1), country: 'DE' });
        expect(features.explain('f')).toMatchObject({ enabled: true, reason: 'bucket', bucket: 1 });
      });
    });
  });
}
