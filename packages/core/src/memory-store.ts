import { randomBytes } from 'node:crypto';
import { FeatureNotFoundError } from './errors';
import type { PatternSpec } from './pattern';
import type {
  FeatureData,
  FeatureStore,
  StoredFeature,
  StoreHead,
  StoreListener,
  StoreRead,
  StoreSnapshot,
  StoreWrite,
  StoreWriteResult,
} from './store';

interface Entry {
  v: number;
  data: FeatureData;
  users: Set<string>;
  patterns: Map<string, PatternSpec>;
}

/**
 * A store in this process's memory: what `MemoryBackend` runs on. Two
 * backends over one MemoryStore behave as two processes sharing a store
 * (the change feed reaches both), which is how the contract suite tests the
 * synchronised cache without a server. Nothing survives the process.
 *
 * @example
 * const store = new MemoryStore();
 * const a = new StoreBackend(store), b = new StoreBackend(store);
 */
export class MemoryStore implements FeatureStore {
  readonly holdsUsers = true;
  readonly denyLists = true;
  // A Map, not an object: '__proto__' and 'constructor' are ordinary names here.
  private readonly features = new Map<string, Entry>();
  private readonly listeners = new Set<StoreListener>();
  private epoch = randomBytes(8).toString('hex');
  private version = 0;

  async snapshot(): Promise<StoreSnapshot> {
    const features = [...this.features].map(([name, entry]) => this.stored(name, entry, true));
    return { ...this.now(), features };
  }

  async read(name: string, withUsers: boolean): Promise<StoreRead> {
    const entry = this.features.get(name);
    return { ...this.now(), feature: entry && this.stored(name, entry, withUsers) };
  }

  async head(): Promise<StoreHead> {
    return this.now();
  }

  async write(name: string, write: StoreWrite): Promise<StoreWriteResult> {
    let entry = this.features.get(name);
    if (!entry) {
      if (write.op !== 'add') throw new FeatureNotFoundError(name);
      entry = { v: 0, data: frozenCopy(write.defaults), users: new Set(), patterns: new Map() };
      this.features.set(name, entry);
    }
    const previousV = entry.v;
    switch (write.op) {
      case 'add':
      case 'update':
        entry.data = frozenCopy({ ...entry.data, ...write.data });
        break;
      case 'toggle':
        entry.data = frozenCopy({ ...entry.data, enabled: !entry.data.enabled });
        break;
      case 'addUsers':
        for (const id of write.users) entry.users.add(id);
        break;
      case 'removeUsers':
        for (const id of write.users) entry.users.delete(id);
        break;
      case 'addPattern':
        entry.patterns.set(`${write.pattern.flags}/${write.pattern.source}`, { ...write.pattern });
        break;
      case 'removePattern':
        entry.patterns.delete(`${write.pattern.flags}/${write.pattern.source}`);
        break;
      case 'addDenied':
      case 'removeDenied':
        entry.data = frozenCopy(withDenied(entry.data, write.op === 'addDenied', write.users));
        break;
      case 'remove':
        this.features.delete(name);
        break;
    }
    const version = ++this.version;
    entry.v = version;
    const change = { epoch: this.epoch, version, name };
    queueMicrotask(() => this.listeners.forEach((listener) => listener.change(change)));
    const feature = write.op === 'remove' ? undefined : this.stored(name, entry, false);
    return { ...this.now(), name, previousV, feature };
  }

  async listNames(): Promise<string[]> {
    return [...this.features.keys()];
  }

  async userCount(name: string): Promise<number> {
    return this.features.get(name)?.users.size ?? 0;
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {}

  /** @internal For tests of resets: forgets everything, as a flushed store would, and starts a new epoch. */
  reset(): void {
    this.features.clear();
    this.epoch = randomBytes(8).toString('hex');
    this.version = 0;
  }

  private now(): StoreHead {
    return { epoch: this.epoch, version: this.version };
  }

  private stored(name: string, entry: Entry, withUsers: boolean): StoredFeature {
    return {
      name,
      v: entry.v,
      data: entry.data, // frozen: shared safely
      patterns: [...entry.patterns.values()].map((p) => ({ ...p })),
      userCount: entry.users.size,
      ...(withUsers ? { users: [...entry.users] } : {}),
    };
  }
}

/** `data` with `users` added to (or removed from) its deny list, as `StoreWrite` describes it. */
function withDenied(data: FeatureData, add: boolean, users: readonly string[]): FeatureData {
  const deny = new Set(Array.isArray(data.deny) ? (data.deny as string[]) : []);
  for (const id of users) {
    if (add) deny.add(id);
    else deny.delete(id);
  }
  const { deny: _old, ...rest } = data;
  return deny.size > 0 ? { ...rest, deny: [...deny].sort() } : (rest as FeatureData);
}

/**
 * A deep, frozen copy of JSON data: what is stored never shares a mutable
 * object with a caller, so it can be handed out without copying on every
 * read (a write costs what it changes).
 */
function frozenCopy<T>(value: T): T {
  return deepFreeze(JSON.parse(JSON.stringify(value)) as T);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
