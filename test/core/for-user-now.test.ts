import { MemoryBackend, Rollout, type Backend } from '@hanoi/core';
import { idInBucket } from '@hanoi/core/testing';

/** A MemoryBackend whose users live "in the store": peek() hides them and lookupUser() answers. */
function storeHeldUsers(): { backend: Backend; lookups: string[][] } {
  const memory = new MemoryBackend();
  const lookups: string[][] = [];
  const backend: Backend = Object.assign(Object.create(memory) as Backend, {
    peek: (name: string) => {
      const state = memory.peek(name);
      return state && { ...state, users: undefined };
    },
    lookupUser: async (id: string, names: readonly string[]) => {
      lookups.push([...names]);
      return new Set(names.filter((name) => memory.peek(name)?.users?.has(id)));
    },
  });
  return { backend, lookups };
}

describe('forUserNow: the answers at once when nothing waits on the store', () => {
  it('answers synchronously on in-memory definitions, as forUser does', async () => {
    const rollout = new Rollout(new MemoryBackend());
    await rollout.addFunc('f', { percentage: 10 });
    await rollout.register('f', 'listed');
    for (const id of ['listed', idInBucket(9), idInBucket(10)]) {
      expect(rollout.forUserNow(id)!.isEnabled('f')).toBe((await rollout.forUser(id)).isEnabled('f'));
    }
    expect(rollout.forUserNow('listed')!.isEnabled('f')).toBe(true);
    expect(rollout.forUserNow(idInBucket(10))!.isEnabled('f')).toBe(false);
  });

  it('is undefined when a listed-user lookup is needed, and forUser then asks once', async () => {
    const { backend, lookups } = storeHeldUsers();
    const rollout = new Rollout(backend);
    await rollout.addFunc('f', { percentage: 10 });
    await rollout.addFunc('g', { percentage: 10 });
    await rollout.register('f', 'listed');
    await rollout.register('g', 'other');
    expect(rollout.forUserNow(idInBucket(5))).toBeDefined(); // in the 10%: nothing to ask
    expect(rollout.forUserNow('listed')).toBeUndefined();
    const features = await rollout.forUser('listed');
    expect(features.isEnabled('f')).toBe(true);
    expect(features.isEnabled('g')).toBe(false);
    expect(lookups).toEqual([['f', 'g']]);
  });

  it('uses the current user, and rejects an invalid id', async () => {
    const rollout = new Rollout(new MemoryBackend());
    await rollout.addFunc('f', { percentage: 100 });
    expect(rollout.withCurrentId('u1', () => rollout.forUserNow()!.userId)).toBe('u1');
    expect(() => rollout.forUserNow(Number.NaN)).toThrow(expect.objectContaining({ code: 'HANOI_INVALID_ARGUMENT' }));
  });
});

describe("a view asked about '', which is no feature's name", () => {
  it('answers off and no variant, and the first feature it is then asked about answers as its own', async () => {
    const rollout = new Rollout(new MemoryBackend());
    await rollout.addFunc('exp', { percentage: 100, variants: ['a'] });
    const view = rollout.forUserNow('u1')!;
    expect(view.variant('')).toBeUndefined();
    expect(view.isEnabled('')).toBe(false);
    expect(view.variant('exp')).toBe('a');
    expect(view.isEnabled('exp')).toBe(true);
    const other = rollout.forUserNow('u1')!;
    expect(other.isEnabled('')).toBe(false);
    expect(other.variant('exp')).toBe('a');
  });
});
