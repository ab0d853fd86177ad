/// <reference types="jest" />
import type { Backend } from '../index';
import type { UseSubject } from './contract-subject';

/** Whether `backend` knows `id` is listed on `name`: from peek when it holds users, else by lookupUser. */
async function lists(backend: Backend, name: string, id: string): Promise<boolean> {
  const state = backend.peek(name);
  if (!state) return false;
  if (state.users) return state.users.has(id);
  if (!state.hasUsers) return false;
  if (!backend.lookupUser) throw new Error('a backend without users in peek() must define lookupUser');
  return (await backend.lookupUser(id, [name])).has(name);
}

/** What the Backend interface promises directly: peek reads your writes, knownNames, lookupUser. */
export function describeBackendInterface(use: UseSubject): void {
  describe('the Backend interface', () => {
    it('peek shows every write as soon as it resolves', async () => {
      const { rollout, backend } = use();
      expect(backend.peek('beta')).toBeUndefined();
      await rollout.addFunc('beta', { percentage: 20, variants: ['a', { name: 'b', weight: 3 }] });
      expect(backend.peek('beta')).toMatchObject({ name: 'beta', enabled: true, percentage: 20, hasUsers: false });
      expect(backend.peek('beta')!.variants).toEqual([
        { name: 'a', weight: 1 },
        { name: 'b', weight: 3 },
      ]);
      await rollout.setPercentage('beta', 35);
      expect(backend.peek('beta')!.percentage).toBe(35);
      await rollout.disable('beta');
      expect(backend.peek('beta')!.enabled).toBe(false);
      expect(await rollout.toggle('beta')).toBe(true);
      expect(backend.peek('beta')!.enabled).toBe(true);
      await rollout.setVariants('beta', ['z']);
      expect(backend.peek('beta')!.variants).toEqual([{ name: 'z', weight: 1 }]);
      await rollout.register('beta', /^ab/i);
      const patterns = backend.peek('beta')!.patterns;
      expect(patterns.map(({ source, flags }) => ({ source, flags }))).toEqual([{ source: '^ab', flags: 'i' }]);
      expect([patterns[0]!.test('xABc'), patterns[0]!.test('xab')]).toEqual([false, false]);
      expect(patterns[0]!.test('ABc')).toBe(true);
      await rollout.unregister('beta', /^ab/i);
      expect(backend.peek('beta')!.patterns).toEqual([]);
      await rollout.remove('beta');
      expect(backend.peek('beta')).toBeUndefined();
    });

    it('peek (or lookupUser) shows registered and unregistered users at once', async () => {
      const { rollout, backend } = use();
      await rollout.addFunc('beta');
      await rollout.register('beta', ['u1', 'u2']);
      expect(backend.peek('beta')!.hasUsers).toBe(true);
      expect([await lists(backend, 'beta', 'u1'), await lists(backend, 'beta', 'u2')]).toEqual([true, true]);
      expect(await lists(backend, 'beta', 'u3')).toBe(false);
      await rollout.unregister('beta', 'u1');
      expect(await lists(backend, 'beta', 'u1')).toBe(false);
      await rollout.unregister('beta', 'u2');
      expect(backend.peek('beta')!.hasUsers).toBe(false);
    });

    it('lookupUser, when defined, answers which of the names list the user', async () => {
      const { rollout, backend } = use();
      if (!backend.lookupUser) {
        expect(backend.peek('nothing')).toBeUndefined();
        return;
      }
      for (const name of ['a', 'b', 'c', '__proto__']) await rollout.addFunc(name);
      await rollout.register('a', 'alice');
      await rollout.register('c', ['alice', 'bob']);
      await rollout.register('__proto__', 'alice');
      const found = await backend.lookupUser('alice', ['a', 'b', 'c', '__proto__', 'ghost']);
      expect([...found].sort()).toEqual(['__proto__', 'a', 'c']);
      expect([...(await backend.lookupUser('bob', ['a', 'c']))]).toEqual(['c']);
      expect([...(await backend.lookupUser('carol', ['a', 'b', 'c']))]).toEqual([]);
    });

    it('knownNames follows addFunc and remove', async () => {
      const { rollout, backend } = use();
      expect(backend.knownNames()).toEqual([]);
      await rollout.addFunc('a');
      await rollout.addFunc('constructor');
      expect([...backend.knownNames()].sort()).toEqual(['a', 'constructor']);
      await rollout.remove('a');
      expect(backend.knownNames()).toEqual(['constructor']);
    });

    it('ready settles, and settles again', async () => {
      const { backend } = use();
      await expect(backend.ready()).resolves.toBeUndefined();
      await expect(backend.ready()).resolves.toBeUndefined();
    });
  });
}
