/// <reference types="jest" />
import type { Backend, FeatureSnapshot, Logger } from '../index';
import { Rollout } from '../index';

/** What each contract test works on: a fresh, empty backend and a Rollout over it. */
export interface ContractSubject {
  backend: Backend;
  rollout: Rollout;
}

/** Returns the current test's subject; set by the contract's beforeEach. */
export type UseSubject = () => ContractSubject;

/**
 * A logger that keeps what it is told, so a contract test can say
 * "nothing was reported" without printing anything.
 *
 * @example
 * const logger = recordingLogger(); logger.messages; // []
 */
export function recordingLogger(): Logger & { messages: string[] } {
  const messages: string[] = [];
  return {
    messages,
    warn: (message: string) => void messages.push(message),
    error: (message: string) => void messages.push(message),
  };
}

/**
 * A snapshot with its sets in a stable order: users and patterns are sets,
 * and a backend may hand them back in any order. Variants keep their order.
 *
 * @example
 * expect(comparable(await rollout.getFunc('a'))).toEqual(comparable(before));
 */
export function comparable(snapshot: FeatureSnapshot | undefined): FeatureSnapshot | undefined {
  if (!snapshot) return snapshot;
  const key = (p: { source: string; flags: string }) => `${p.source}/${p.flags}`;
  return {
    ...snapshot,
    users: [...snapshot.users].sort(),
    patterns: [...snapshot.patterns].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)),
    variants: snapshot.variants.map((v) => ({ ...v })),
  };
}

/**
 * Everything the backend stores, comparable: to prove a call changed nothing.
 *
 * @example
 * const before = await everything(rollout); ...; expect(await everything(rollout)).toEqual(before);
 */
export async function everything(rollout: Rollout): Promise<Record<string, FeatureSnapshot | undefined>> {
  const names = (await rollout.listFuncs()).sort();
  const all: Record<string, FeatureSnapshot | undefined> = Object.create(null);
  for (const name of names) all[name] = comparable(await rollout.getFunc(name));
  return all;
}

/**
 * A Rollout that logs nowhere, over `backend`.
 *
 * @example
 * const rollout = quietRollout(new MemoryBackend());
 */
export function quietRollout(backend: Backend): Rollout {
  return new Rollout(backend, { logger: recordingLogger() });
}
