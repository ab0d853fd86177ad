import { MemoryBackend, Rollout } from '@hanoi/core';
import { idInBucket } from '@hanoi/core/testing';

async function setup() {
  const rollout = new Rollout(new MemoryBackend());
  await rollout.addFunc('f', { percentage: 30 });
  await rollout.register('f', 'listed');
  await rollout.register('f', /^vip-/i);
  return rollout;
}

describe('explain(name, user?) says which rule decided', () => {
  it('unknown', async () => {
    const rollout = await setup();
    expect(await rollout.explain('ghost', 'u')).toEqual({ enabled: false, reason: 'unknown' });
  });

  it('no user: the answer is enabled && 100%, with the percentage', async () => {
    const rollout = await setup();
    expect(await rollout.explain('f')).toEqual({ enabled: false, reason: 'no-user', percentage: 30 });
    await rollout.setPercentage('f', 100);
    expect(await rollout.explain('f')).toEqual({ enabled: true, reason: 'no-user', percentage: 100 });
  });

  it('disabled beats everyone, listed and pattern', async () => {
    const rollout = await setup();
    await rollout.setPercentage('f', 100);
    await rollout.disable('f');
    for (const id of ['listed', 'VIP-1', 'other']) {
      expect(await rollout.explain('f', id)).toEqual({ enabled: false, reason: 'disabled' });
    }
  });

  it('everyone at 100%', async () => {
    const rollout = await setup();
    await rollout.setPercentage('f', 100);
    expect(await rollout.explain('f', 'listed')).toEqual({ enabled: true, reason: 'everyone' });
  });

  it('listed before pattern, pattern before bucket', async () => {
    const rollout = await setup();
    await rollout.register('f', 'vip-listed');
    expect(await rollout.explain('f', 'vip-listed')).toEqual({ enabled: true, reason: 'listed' });
    // In bucket 0, so the bucket would let it in too: the pattern is named first.
    expect(await rollout.explain('f', idInBucket(0, 'VIP-'))).toEqual({
      enabled: true,
      reason: 'pattern',
      pattern: { source: '^vip-', flags: 'i' },
    });
  });

  it('bucket, with the bucket and the percentage, on both sides of the line', async () => {
    const rollout = await setup();
    expect(await rollout.explain('f', idInBucket(29))).toEqual({
      enabled: true,
      reason: 'bucket',
      bucket: 29,
      percentage: 30,
    });
    expect(await rollout.explain('f', idInBucket(30))).toEqual({
      enabled: false,
      reason: 'bucket',
      bucket: 30,
      percentage: 30,
    });
  });

  it('the README’s 44488 at 80% is bucket 88, off', async () => {
    const rollout = new Rollout(new MemoryBackend());
    await rollout.addFunc('cdc_on', { percentage: 80 });
    expect(await rollout.explain('cdc_on', '44488')).toEqual({
      enabled: false,
      reason: 'bucket',
      bucket: 88,
      percentage: 80,
    });
  });

  it('forUser().explain gives the same answers, and uses the current user', async () => {
    const rollout = await setup();
    for (const id of ['listed', 'vip-9', idInBucket(5), idInBucket(95)]) {
      expect((await rollout.forUser(id)).explain('f')).toEqual(await rollout.explain('f', id));
      expect(await rollout.withCurrentId(id, () => rollout.explain('f'))).toEqual(await rollout.explain('f', id));
    }
  });
});
