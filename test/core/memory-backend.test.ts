import {
  FeatureNotFoundError,
  InvalidArgumentError,
  MemoryBackend,
  MemoryStore,
  Rollout,
  StoreBackend,
} from '@hanoi/core';
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

  it('a register refused for bad input or a missing feature rejects, never throws, and changes nothing', async () => {
    const rollout = new Rollout(new MemoryBackend());
    await rollout.addFunc('beta');
    const calls: Array<() => Promise<void>> = [
      () => rollout.register('beta', ''),
      () => rollout.register('beta', Number.NaN),
      () => rollout.register('beta', []),
      () => rollout.register('', 'u1'),
      () => rollout.register(undefined as unknown as string, 'u1'),
      () => rollout.register('be ta', 'u1'),
      () => rollout.unregister('beta', 'x'.repeat(513)),
    ];
    for (const call of calls) {
      let promise: Promise<void> | undefined;
      expect(() => (promise = call())).not.toThrow();
      await expect(promise).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    let missing: Promise<void> | undefined;
    expect(() => (missing = rollout.register('nope', 'u1'))).not.toThrow();
    await expect(missing).rejects.toBeInstanceOf(FeatureNotFoundError);
    expect(await rollout.getFunc('nope')).toBeUndefined();
    expect((await rollout.getFunc('beta'))!.users).toEqual([]);
    expect((await rollout.history()).map((entry) => entry.action)).toEqual(['create']);
  });

  it('a register is held, with its history entry, when it resolves; watchers hear it before, another backend after', async () => {
    const store = new MemoryStore();
    const writer = new Rollout(new StoreBackend(store, { resyncIntervalMs: false }));
    const reader = new StoreBackend(store, { resyncIntervalMs: false });
    await Promise.all([writer.ready(), reader.ready()]);
    await writer.addFunc('beta');
    for (let i = 0; i < 20 && !reader.peek('beta'); i++) await new Promise((r) => setTimeout(r, 5));
    const events: string[] = [];
    writer.watch({ changed: (names) => void events.push(`writer ${names.join(',')}`) });
    reader.watch({ changed: (names) => void events.push(`reader ${names.join(',')}`) });
    const done = writer.register('beta', 'u1').then(() => {
      events.push('resolved');
      expect(writer.peek('beta')!.users!.has('u1')).toBe(true);
    });
    await done;
    for (let i = 0; i < 20 && !reader.peek('beta')?.users?.has('u1'); i++) await new Promise((r) => setTimeout(r, 5));
    expect(reader.peek('beta')!.users!.has('u1')).toBe(true);
    expect(events).toEqual(['writer beta', 'resolved', 'reader beta']);
    const [entry] = await writer.history({ feature: 'beta', limit: 1 });
    expect(entry).toMatchObject({ action: 'register', before: {}, after: { users: ['u1'] } });
    await writer.close();
    await reader.close();
  });

  it('writes that do not wait for each other are held in order, each once, with one entry each', async () => {
    const rollout = new Rollout(new MemoryBackend());
    await rollout.addFunc('beta');
    const ids = Array.from({ length: 50 }, (_, i) => `u${i}`);
    const writes = ids.map((id, i) =>
      i % 5 === 4 ? rollout.unregister('beta', ids[i - 1]!) : rollout.register('beta', id),
    );
    await Promise.all(writes);
    const expected = ids.filter((_, i) => i % 5 !== 4 && i % 5 !== 3);
    expect([...rollout.peek('beta')!.users!].sort()).toEqual([...expected].sort());
    expect((await rollout.getFunc('beta'))!.users.sort()).toEqual([...expected].sort());
    expect(await rollout.history({ feature: 'beta', limit: 1000 })).toHaveLength(51);
  });

  it('writes made while the first snapshot is in flight take no snapshot each', async () => {
    class CountingStore extends MemoryStore {
      snapshots = 0;
      override async snapshot(): ReturnType<MemoryStore['snapshot']> {
        this.snapshots++;
        return super.snapshot();
      }
    }
    const store = new CountingStore();
    const rollout = new Rollout(new StoreBackend(store, { resyncIntervalMs: false }));
    await rollout.addFunc('beta'); // the start's snapshot is not awaited
    for (let i = 0; i < 200; i++) await rollout.register('beta', `u${i}`);
    await rollout.ready();
    expect(store.snapshots).toBeLessThan(10); // a few for the start, not one per write
    expect(rollout.peek('beta')!.users!.size).toBe(200);
    await rollout.close();
  });

  it('a store whose write a subclass replaces is written through it', async () => {
    const writes: string[] = [];
    class WatchedStore extends MemoryStore {
      override async write(...args: Parameters<MemoryStore['write']>): ReturnType<MemoryStore['write']> {
        writes.push(args[1].op);
        return super.write(...args);
      }
    }
    const rollout = new Rollout(new StoreBackend(new WatchedStore(), { resyncIntervalMs: false }));
    await rollout.addFunc('beta');
    await rollout.register('beta', 'u1');
    expect(writes).toEqual(['add', 'addUsers']);
    expect(await rollout.isEnabled('beta', 'u1')).toBe(true);
    await rollout.close();
  });
});

describeStoreContract('MemoryStore', () => new MemoryStore(), {
  reset: async (store) => (store as MemoryStore).reset(),
});
