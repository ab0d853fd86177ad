import { MemoryBackend, Rollout, type Backend, type FeatureState, type Logger } from '@hanoi/core';
import { RedisBackend, RedisHighPerfBackend } from '@hanoi/redis';
import Redis from 'ioredis';
import { startRedis } from '../support/redis-server';
import { recording, type RecordingBackend } from './recording-backend';

/** The backends every hostile-input test runs on. */
export type BackendKind = 'memory' | 'redis' | 'redis-high-perf';
export const BACKEND_KINDS: readonly BackendKind[] = ['memory', 'redis', 'redis-high-perf'];

/** Where a Redis-backed subject keeps its features. */
export interface StoreAddress {
  port: number;
  prefix: string;
}

/** A redis-server a test started for itself, or nothing for in-memory kinds. */
export interface Store {
  /** Where a subject with its own key prefix finds it. */
  address(prefix: string): StoreAddress;
  stop(): Promise<void>;
}

/** A Rollout over a recorded backend, and a way to read what it stored from elsewhere. */
export interface Subject {
  kind: BackendKind;
  rollout: Rollout;
  backend: RecordingBackend;
  /** A second Rollout on its own connection (the same store); the same Rollout in memory. */
  reader: Rollout;
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
 * Starts what `kind` needs: a redis-server on a free port (no persistence)
 * for Redis kinds, nothing in memory.
 *
 * @example
 * const store = await startStore('redis'); ...; await store?.stop();
 */
export async function startStore(kind: BackendKind): Promise<Store | undefined> {
  if (kind === 'memory') return undefined;
  const server = await startRedis({ persist: false });
  return { address: (prefix) => ({ port: server.port, prefix }), stop: () => server.stop() };
}

async function openRedis(
  kind: BackendKind,
  store: StoreAddress,
): Promise<{ rollout: Rollout; backend: Backend; close(): Promise<void> }> {
  const client = new Redis({ host: '127.0.0.1', port: store.port, maxRetriesPerRequest: 1 });
  const options = { prefix: store.prefix, logger: quietLogger(), readyTimeoutMs: 5000 };
  const inner = kind === 'redis' ? new RedisBackend(client, options) : new RedisHighPerfBackend(client, options);
  const backend = recording(inner);
  const rollout = new Rollout(backend, { logger: quietLogger() });
  await rollout.ready();
  return {
    rollout,
    backend,
    close: async () => {
      await rollout.close();
      await client.quit();
    },
  };
}

function stateKey(state: FeatureState | undefined): string {
  if (!state) return 'none';
  const { enabled, percentage, hasUsers, variants, patterns, users } = state;
  return JSON.stringify([
    enabled,
    percentage,
    hasUsers,
    variants,
    patterns.map((p) => [p.source, p.flags]).sort(),
    users && [...users].sort(),
  ]);
}

/** Resolves once `reader`'s in-memory view matches `writer`'s, or throws after `ms`. */
async function converge(writer: Rollout, reader: Rollout, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const names = new Set([...writer.backend.knownNames(), ...reader.backend.knownNames()]);
    if ([...names].every((name) => stateKey(writer.peek(name)) === stateKey(reader.peek(name)))) return;
    if (Date.now() > deadline) {
      // What each side holds, to tell a lost message from a slow one.
      type Internals = { sync?: { version?: number; cache: { versionOf(name: string): number } } };
      const diag = (r: Rollout) => {
        const { sync } = r.backend as unknown as Internals;
        return {
          version: sync?.version,
          names: [...names].map((n) => [n, sync?.cache.versionOf(n), stateKey(r.peek(n))]),
        };
      };
      throw new Error(
        `The second reader did not catch up within ${ms} ms. ${JSON.stringify({ w: diag(writer), r: diag(reader) })}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Opens a subject of `kind`: a Rollout over a recorded backend, and for
 * Redis kinds a second Rollout on its own connection. Redis kinds need
 * `store`, the address of a redis-server this test started.
 *
 * @example
 * const subject = await openSubject('memory');
 * await subject.rollout.addFunc('beta');
 * await subject.close();
 */
export async function openSubject(kind: BackendKind, store?: StoreAddress): Promise<Subject> {
  if (kind === 'memory') {
    const backend = recording(new MemoryBackend());
    const rollout = new Rollout(backend, { logger: quietLogger() });
    await rollout.ready();
    return { kind, rollout, backend, reader: rollout, settled: async () => {}, close: () => rollout.close() };
  }
  if (!store) throw new Error(`A ${kind} subject needs the address of a redis-server.`);
  const writer = await openRedis(kind, store);
  const reader = await openRedis(kind, store);
  return {
    kind,
    rollout: writer.rollout,
    backend: writer.backend as RecordingBackend,
    reader: reader.rollout,
    settled: () => converge(writer.rollout, reader.rollout),
    close: async () => {
      await writer.close();
      await reader.close();
    },
  };
}
