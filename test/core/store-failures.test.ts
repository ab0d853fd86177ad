import { BackendUnavailableError, MemoryBackend, Rollout, type Backend } from '@hanoi/core';

/**
 * A MemoryBackend that keeps its users "in the store" (peek shows none, only
 * that there are some) and whose store can be made to fail: a fake only to
 * inject the fault; evaluation stays the real one.
 */
function flakyBackend(): Backend & { down: boolean } {
  const memory = new MemoryBackend();
  const flaky = Object.create(memory) as Backend & { down: boolean };
  flaky.down = false;
  flaky.peek = (name) => {
    const state = memory.peek(name);
    return state && { ...state, users: undefined };
  };
  flaky.lookupUser = async (userId, names) => {
    if (flaky.down) throw new BackendUnavailableError('The store is away (injected).');
    return new Set(names.filter((name) => memory.peek(name)?.users?.has(userId)));
  };
  return flaky;
}

describe('a check never throws because of the store (SPEC: Errors)', () => {
  it('a failed user lookup counts as not listed, is reported once per outage, and recovery is noticed', async () => {
    const backend = flakyBackend();
    const logged: unknown[][] = [];
    const onError = jest.fn();
    const rollout = new Rollout(backend, {
      logger: { warn: (...a) => logged.push(a), error: (...a) => logged.push(a) },
      onError,
    });
    await rollout.addFunc('beta', { percentage: 100 });
    await rollout.addFunc('listed');
    await rollout.register('listed', 'alice');
    expect(await rollout.isEnabled('listed', 'alice')).toBe(true);

    backend.down = true;
    expect(await rollout.isEnabled('listed', 'alice')).toBe(false);
    expect(await rollout.isEnabled('beta', 'alice')).toBe(true);
    expect((await rollout.forUser('alice')).isEnabled('listed')).toBe(false);
    expect(await rollout.variant('listed', 'alice')).toBeUndefined();
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]![0]).toBeInstanceOf(BackendUnavailableError);
    const errorsWhileDown = logged.length;
    expect(errorsWhileDown).toBe(1);

    backend.down = false;
    expect(await rollout.isEnabled('listed', 'alice')).toBe(true);
    backend.down = true;
    expect(await rollout.isEnabled('listed', 'alice')).toBe(false);
    expect(onError).toHaveBeenCalledTimes(2);
  });

  it('a throwing onError does not break the check', async () => {
    const backend = flakyBackend();
    const rollout = new Rollout(backend, {
      logger: { warn: () => {}, error: () => {} },
      onError: () => {
        throw new Error('handler bug');
      },
    });
    await rollout.addFunc('listed');
    await rollout.register('listed', 'alice');
    backend.down = true;
    await expect(rollout.isEnabled('listed', 'alice')).resolves.toBe(false);
  });
});

describe('new Rollout(backend, options) checks its options at construction', () => {
  it.each([
    ['a backend that is not one', () => new Rollout({} as never)],
    ['null options', () => new Rollout(new MemoryBackend(), null as never)],
    ['an onError that is not a function', () => new Rollout(new MemoryBackend(), { onError: 'log' as never })],
  ])('%s is a TypeError', (_what, make) => {
    expect(make).toThrow(TypeError);
  });
});
