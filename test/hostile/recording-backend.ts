import type { Backend } from '@hanoi/core';

/** The `Backend` methods that can change what is stored. */
export const WRITE_METHODS = [
  'addFunc',
  'update',
  'toggle',
  'registerUsers',
  'unregisterUsers',
  'registerPattern',
  'unregisterPattern',
  'remove',
] as const;

/** A backend that also lists every call that reached it, in order. */
export type RecordingBackend = Backend & { calls: Array<{ method: string; args: unknown[] }> };

/**
 * Wraps a real backend to observe what reaches it (it changes nothing: every
 * call goes through unchanged). Hostile-input tests use it to prove that a
 * rejected argument never got as far as the store.
 *
 * @example
 * const backend = recording(new MemoryBackend());
 * await expect(new Rollout(backend).addFunc('x'.repeat(129))).rejects.toThrow(InvalidArgumentError);
 * expect(backend.calls).toEqual([]);
 */
export function recording(inner: Backend): RecordingBackend {
  const calls: Array<{ method: string; args: unknown[] }> = [];
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'calls') return calls;
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (typeof property === 'string' && (WRITE_METHODS as readonly string[]).includes(property)) {
          calls.push({ method: property, args });
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as RecordingBackend;
}

/**
 * The write calls recorded since `from`, by method name.
 *
 * @example
 * expect(writesSince(backend, 0)).toEqual([]);
 */
export function writesSince(backend: RecordingBackend, from: number): string[] {
  return backend.calls.slice(from).map((call) => call.method);
}
