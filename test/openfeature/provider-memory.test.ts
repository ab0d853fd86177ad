import { MemoryBackend, Rollout } from '@hanoi/core';
import { describeProvider } from './provider-suite';

describeProvider('MemoryBackend', async () => ({ rollout: new Rollout(new MemoryBackend()), release: async () => {} }));
