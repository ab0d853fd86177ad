import { MemoryBackend, MemoryStore, Rollout } from '@hanoi/core';
import { describeBackendContract, describeStoreContract } from '@hanoi/core/testing';

describeBackendContract('MemoryBackend', () => new MemoryBackend());

describe('MemoryBackend, beyond the contract', () => {
  it('two MemoryBackends share nothing', async () => {
    const one = new Rollout(new MemoryBackend());
    const two = new Rollout(new MemoryBackend());
    await one.addFunc('beta', { percentage: 100 });
    expect(await two.getFunc('beta')).toBeUndefined();
    expect(await two.isEnabled('beta', 'u1')).toBe(false);
  });

  it('is the default backend of a Rollout', async () => {
    const rollout = new Rollout();
    expect(rollout.backend).toBeInstanceOf(MemoryBackend);
    await rollout.addFunc('beta', { percentage: 100 });
    expect(await rollout.isEnabled('beta', 'u1')).toBe(true);
  });
});

describeStoreContract('MemoryStore', () => new MemoryStore(), {
  reset: async (store) => (store as MemoryStore).reset(),
});
