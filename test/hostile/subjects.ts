import { MemoryBackend, Rollout, type Backend, type Logger } from '@hanoi/core';
import { recording, type RecordingBackend } from './recording-backend';

/** The backends every hostile-input test runs on. */
export type BackendKind = 'memory';
export const BACKEND_KINDS: readonly BackendKind[] = ['memory'];

/** A redis-server a test started for itself, or nothing for in-memory kinds. */
export interface Store {
  /** Where a subject with its own key prefix finds it. */
  address(prefix: string): StoreAddress;
  stop(): Promise<void>;
}

/**
 * Starts what `kind` needs: a redis-server on a free port for Redis kinds,
 * nothing in memory.
 *
 * @example
 * const store = await startStore('redis'); ...; await store?.stop();
 */
export async function startStore(kind: BackendKind): Promise<Store | undefined> {
  void kind;
  return undefined;
}

/** Where a Redis-backed subject keeps its features. */
export interface StoreAddress {
  port: number;
  prefix: string;
}

/** A Rollout over a recorded backend, and a way to read what it stored from elsewhere. */
export interface Subject {
  kind: BackendKind;
  rollout: Rollout;
  backend: RecordingBackend;
  /** A second Rollout on its own connection (the same store); the same Rollout in memory. */
  reader: Rollout;
  /** Whether `reader` is another process's view (Redis) rather than this one's. */
  shared: boolean;
  /** Resolves once `reader` holds what `rollout` holds (at once in memory). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** A logger that keeps what it is told, and prints nothing. */
export function quietLogger(): Logger & { messages: string[] } {
  const messages: string[] = [];
  return { messages, warn: (m: string) => void messages.push(m), error: (m: string) => void messages.push(m) };
}

/**
 * Opens a subject of `kind`: a Rollout over a recorded backend. Redis kinds
 * need `store`, the address of a redis-server this test started.
 *
 * @example
 * const subject = await openSubject('memory');
 * await subject.rollout.addFunc('beta');
 * await subject.close();
 */
export async function openSubject(kind: BackendKind, store?: StoreAddress): Promise<Subject> {
  void store;
  const inner: Backend = new MemoryBackend();
  const backend = recording(inner);
  const rollout = new Rollout(backend, { logger: quietLogger() });
  await rollout.ready();
  return { kind, rollout, backend, reader: rollout, shared: false, settled: async () => {}, close: () => rollout.close() };
}
