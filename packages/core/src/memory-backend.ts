import { MemoryStore, type MemoryStoreOptions } from './memory-store';
import { StoreBackend } from './store-backend';

/**
 * Features in this process's memory: the default backend, for development,
 * tests and apps whose features are set at start-up. Nothing is shared
 * between processes and nothing survives a restart. It is core's
 * synchronised cache over a `MemoryStore`, as every store is.
 *
 * @example
 * const rollout = new Rollout(new MemoryBackend());
 */
export class MemoryBackend extends StoreBackend {
  /** @param options `historyLimit`: how many history entries are kept (default 10,000). */
  constructor(options: MemoryStoreOptions = {}) {
    super(new MemoryStore(options), { resyncIntervalMs: false });
  }
}
