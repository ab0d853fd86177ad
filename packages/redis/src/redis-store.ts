import {
  BackendUnavailableError,
  FeatureNotFoundError,
  HanoiError,
  type Backend,
  type BackendListener,
  type FeatureFields,
  type FeatureSnapshot,
  type FeatureState,
  type PatternSpec,
} from '@hanoi/core';
import { ReplyError } from 'ioredis';
import { decodeSnapshot, decodeState, encodeFields, encodePattern, fromSnapshot, type StateReply } from './codec';
import { FeatureCache } from './feature-cache';
import { parseOptions, type RedisBackendOptions, type RedisConfig } from './options';
import { defineScripts, runScript, type RedisClient } from './scripts';
import { Synchronizer } from './redis-sync';
import { withTimeout, WriteOutcomeUnknownError } from './timeouts';
import { writeUserBatches } from './user-batches';

type WriteReply = ['expired'] | ['missing'] | ['removed', number] | ['ok', StateReply];

/**
 * What RedisBackend and RedisHighPerfBackend share: the store layout, the
 * scripts, the writes and the synchronizer. They differ only in whether this
 * process holds the user sets (`withUsers`).
 *
 * Write guarantee: a write is sent only when the client is connected
 * ('ready'); otherwise it rejects at once with HANOI_BACKEND_UNAVAILABLE and
 * nothing is sent, so no offline queue can replay it. A sent write carries a
 * deadline in Redis's clock (writeTimeoutMs from now, less the clock
 * measurement's error and 5 ms) that its script checks before changing
 * anything: a write resent after a reconnection, or stuck behind a paused
 * server, is refused once the caller has been told it failed. A sent write
 * with no answer in time rejects with HANOI_WRITE_OUTCOME_UNKNOWN: it may
 * have been applied before its deadline, never after.
 */
export abstract class RedisStore implements Backend {
  protected readonly client: RedisClient;
  protected readonly config: RedisConfig;
  protected readonly sync: Synchronizer;
  private readonly scriptBase: string;

  protected constructor(
    client: RedisClient,
    options: RedisBackendOptions | undefined,
    protected readonly withUsers: boolean,
  ) {
    const shaped = client as unknown as Record<string, unknown> | null;
    if (
      typeof shaped !== 'object' ||
      shaped === null ||
      typeof shaped.defineCommand !== 'function' ||
      typeof shaped.duplicate !== 'function'
    ) {
      throw new TypeError('RedisBackend: pass an ioredis Redis or Cluster client: new RedisBackend(new Redis(url)).');
    }
    this.client = client;
    this.config = parseOptions(options);
    // ioredis adds its keyPrefix to KEYS but not to keys a script builds: add it to those.
    this.scriptBase = ((client.options as { keyPrefix?: string }).keyPrefix ?? '') + this.config.keys.base;
    defineScripts(client);
    this.sync = new Synchronizer(
      client,
      this.config,
      withUsers,
      new FeatureCache(this.config.bootstrap.map(fromSnapshot)),
      this.scriptBase,
    );
  }

  /**
   * The state this process holds for `name`: never waits for Redis.
   *
   * @example
   * backend.peek('beta')?.percentage; // 10
   */
  peek(name: string): FeatureState | undefined {
    return this.sync.cache.get(name);
  }

  knownNames(): readonly string[] {
    return this.sync.cache.names();
  }

  /**
   * Resolves once the first snapshot is loaded, or after `readyTimeoutMs`
   * (Redis away: checks answer from `bootstrap`); never rejects.
   *
   * @example
   * await backend.ready();
   */
  ready(): Promise<void> {
    return this.sync.ready();
  }

  /**
   * Tells `listener` of every change this process takes in (its own writes,
   * and other processes' as their messages or a resync bring them), of Redis
   * going away (the connection closed, a load failed) and of its coming back
   * (a full snapshot applied again).
   *
   * @example
   * backend.watch({ changed: (names) => console.log(names), unavailable: () => console.warn('stale') });
   */
  watch(listener: BackendListener): () => void {
    return this.sync.listeners.add(listener);
  }

  /**
   * Stops syncing and closes the subscriber connection this backend opened;
   * the client it was handed stays open (quit it yourself).
   *
   * @example
   * await backend.close(); await client.quit();
   */
  async close(): Promise<void> {
    this.sync.close();
  }

  async getFunc(name: string): Promise<FeatureSnapshot | undefined> {
    const [version, state] = (await this.read(`Reading feature ${JSON.stringify(name)}`, () =>
      runScript(this.client, 'load', this.featureKeys(name), [name, '1']),
    )) as [number, StateReply | 0];
    if (state === 0) {
      this.sync.cache.apply(name, version, undefined);
      return undefined;
    }
    this.sync.cache.apply(name, state[0], decodeState(name, state, this.withUsers).state);
    return decodeSnapshot(name, state);
  }

  async listFuncs(): Promise<string[]> {
    return (await this.read('Listing features', () => this.client.smembers(this.config.keys.index))) as string[];
  }

  async addFunc(name: string, fields: FeatureFields): Promise<void> {
    await this.write(name, 'add', encodeFields(fields));
  }

  async update(name: string, fields: FeatureFields): Promise<void> {
    await this.write(name, 'update', encodeFields(fields));
  }

  async toggle(name: string): Promise<boolean> {
    return (await this.write(name, 'toggle', []))!.enabled;
  }

  async registerUsers(name: string, userIds: readonly string[]): Promise<void> {
    await this.writeUsers(name, 'sadd', userIds);
  }

  async unregisterUsers(name: string, userIds: readonly string[]): Promise<void> {
    await this.writeUsers(name, 'srem', userIds);
  }

  async registerPattern(name: string, pattern: PatternSpec): Promise<void> {
    await this.write(name, 'padd', [encodePattern(pattern)]);
  }

  async unregisterPattern(name: string, pattern: PatternSpec): Promise<void> {
    await this.write(name, 'prem', [encodePattern(pattern)]);
  }

  async remove(name: string): Promise<void> {
    await this.write(name, 'remove', []);
  }

  /** @internal The keys a write script on `name` touches, in the order the scripts expect. */
  featureKeys(name: string): string[] {
    const { keys } = this.config;
    return [keys.index, keys.version, keys.feature('f', name), keys.feature('u', name), keys.feature('p', name)];
  }

  /** Throws HANOI_BACKEND_UNAVAILABLE unless a command can be sent now. */
  protected assertAvailable(what: string): void {
    if (!this.sync.available) {
      throw new BackendUnavailableError(
        `${what}: Redis is not connected (status ${this.client.status}); nothing was sent. Retry once Redis is back.`,
      );
    }
  }

  /** A read with the write timeout: it fails fast rather than waiting for a reconnection. */
  protected read<T>(what: string, call: () => Promise<T>): Promise<T> {
    this.assertAvailable(what);
    return withTimeout(
      call(),
      this.config.writeTimeoutMs,
      () => new BackendUnavailableError(`${what}: Redis did not answer in ${this.config.writeTimeoutMs} ms.`),
    );
  }

  /** @internal The script arguments of a write, deadline included. */
  writeArgs(name: string, op: string, deadline: number, withUsers: boolean, args: readonly string[]): string[] {
    return [this.config.keys.channel, name, String(deadline), withUsers ? '1' : '0', op, ...args];
  }

  /** Sends one write script; see the class comment for what a rejection means. */
  private write(name: string, op: string, args: readonly string[]): Promise<FeatureState | undefined> {
    const what = `${op} on feature ${JSON.stringify(name)}`;
    return this.sync.writingTo(name, async () => {
      const deadline = await this.writeDeadline(what);
      const sent = runScript(
        this.client,
        'write',
        this.featureKeys(name),
        this.writeArgs(name, op, deadline, this.withUsers, args),
      );
      return this.applyWrite(name, what, await this.awaitWrite(what, sent), true);
    });
  }

  private writeUsers(name: string, op: 'sadd' | 'srem', ids: readonly string[]): Promise<void> {
    return this.sync.writingTo(name, () => writeUserBatches(this, name, op, ids));
  }

  /** @internal Checks the connection and returns the deadline a write sent now carries. */
  async writeDeadline(what: string): Promise<number> {
    this.assertAvailable(what);
    if (!this.sync.clock.known) {
      await this.read(what, () => this.sync.measureClock());
    }
    return this.sync.clock.deadline(this.config.writeTimeoutMs);
  }

  /** @internal Waits for a sent write; no answer in time, or a lost connection, is an unknown outcome. */
  async awaitWrite<T>(what: string, sent: Promise<T>): Promise<T> {
    try {
      return await withTimeout(sent, this.config.writeTimeoutMs, () => new WriteOutcomeUnknownError(what));
    } catch (err) {
      if (err instanceof HanoiError || err instanceof ReplyError) throw err;
      throw new WriteOutcomeUnknownError(what, { cause: err });
    }
  }

  /** @internal Turns a write script's reply into the new state (applied at once), or the error it means. */
  applyWrite(name: string, what: string, reply: unknown, apply: boolean): FeatureState | undefined {
    const [status, payload] = reply as WriteReply;
    if (status === 'missing') throw new FeatureNotFoundError(name);
    if (status === 'expired') {
      throw new BackendUnavailableError(
        `${what}: Redis answered after the write's deadline, so it refused it; nothing was applied.`,
      );
    }
    if (status === 'removed') {
      this.sync.cache.apply(name, payload as number, undefined);
      return undefined;
    }
    const { v, state } = decodeState(name, payload as StateReply, this.withUsers);
    if (apply) this.sync.cache.apply(name, v, state);
    return state;
  }

  /** @internal For user-batches.ts. */
  get internals(): { client: RedisClient; config: RedisConfig; withUsers: boolean } {
    return { client: this.client, config: this.config, withUsers: this.withUsers };
  }
}
