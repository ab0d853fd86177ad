import { MemoryBackend, MemoryStore, Rollout, StoreBackend, type Backend } from '@hanoi/core';
import { WRITE_METHODS } from '../hostile/recording-backend';
import { refusal } from './refused';

/**
 * A backend with only the required methods, as the Redis backends are until
 * their store holds targeting: it keeps every method a Backend must have,
 * none of the optional targeting ones.
 */
function backendWithoutTargeting(): Backend {
  const memory = new MemoryBackend();
  const required = [...WRITE_METHODS, 'peek', 'knownNames', 'ready', 'getFunc', 'listFuncs', 'close'] as const;
  const backend: Record<string, unknown> = {};
  for (const method of required) backend[method] = (memory[method] as (...args: unknown[]) => unknown).bind(memory);
  return backend as unknown as Backend;
}

describe('a backend without targeting refuses it with HANOI_UNSUPPORTED, and keeps working for the rest', () => {
  it('rules, unit, prerequisites, deny lists and segments are refused; nothing is written', async () => {
    const rollout = new Rollout(backendWithoutTargeting());
    await rollout.addFunc('f', { percentage: 100 });
    const calls = [
      () => rollout.addFunc('g', { rules: [{ constraints: [] }] }),
      () => rollout.addFunc('g', { by: 'companyId' }),
      () => rollout.addFunc('g', { requires: [{ feature: 'f' }] }),
      () => rollout.setRules('f', []),
      () => rollout.deny('f', 'u1'),
      () => rollout.undeny('f', 'u1'),
      () => rollout.defineSegment('s', { users: ['u1'] }),
      () => rollout.registerSegment('s', 'u1'),
      () => rollout.removeSegment('s'),
      () => rollout.getSegment('s'),
    ];
    for (const call of calls) {
      const error = await refusal(call);
      expect(error.code).toBe('HANOI_UNSUPPORTED');
      expect(error.message).toContain('This backend does not store');
    }
    expect(await rollout.listFuncs()).toEqual(['f']);
    expect(await rollout.listSegments()).toEqual([]);
  });

  it('empty targeting options are accepted (an export of a plain feature imports), and contexts are checked as ids', async () => {
    const rollout = new Rollout(backendWithoutTargeting());
    await rollout.addFunc('f', { percentage: 100, rules: [], requires: [], by: 'id' });
    expect(await rollout.isEnabled('f', { id: 'u1', country: 'NL' })).toBe(true);
    expect((await rollout.forUser({ country: 'NL' })).isEnabled('f')).toBe(true);
  });
});

describe('targeting data a store holds that hanoi did not write', () => {
  it('switches the feature off rather than failing a request', async () => {
    const store = new MemoryStore();
    const defaults = { enabled: true, percentage: 100, variants: [] };
    await store.write('odd', { op: 'add', data: { rules: [{ attribute: 'country', in: ['FR'] }] }, defaults });
    await store.write('bad-regex', {
      op: 'add',
      data: { rules: [{ constraints: [{ attribute: 'a', operator: 'REGEX', value: '(' }] }] },
      defaults,
    });
    await store.write('fine', { op: 'add', data: {}, defaults });
    const rollout = new Rollout(new StoreBackend(store));
    await rollout.ready();
    expect(await rollout.isEnabled('odd', { id: 'u1', country: 'FR' })).toBe(false);
    expect(await rollout.isEnabled('bad-regex', { id: 'u1', a: 'x' })).toBe(false);
    expect(await rollout.isEnabled('fine', 'u1')).toBe(true);
    await rollout.close();
  });
});
