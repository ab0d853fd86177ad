import { BackendListeners, BackendUnavailableError, createReporter, type ErrorReporter } from '@hanoi/core';
import { debuglog } from 'node:util';
import { decodeState, parseChange, type StateReply, type Versioned } from './codec';
import { FeatureCache } from './feature-cache';
import { LocalWrites } from './local-writes';
import type { RedisConfig } from './options';
import { runScript, type RedisClient } from './scripts';
import { Subscription } from './subscription';
import { ServerClock, withTimeout } from './timeouts';

const debug = debuglog('hanoi:redis');

type SnapshotReply = [number, [string, string], [string, StateReply][]];
type LoadReply = [number, StateReply | 0];

/**
 * Keeps a FeatureCache current with one Redis prefix:
 * - a full snapshot (one script, one atomic view) on start, after every
 *   (re)subscription, on a version gap, and whenever the periodic check finds
 *   Redis's version differs from the one held;
 * - for each `<version> <name>` message, a reload of that feature only.
 * It never throws into a check: failures are reported once per outage and
 * the cache keeps answering with what it has. `listeners` hear every change
 * the cache takes in, the store going away (the connection closed, a load
 * failed) and coming back (a snapshot applied again).
 */
export class Synchronizer {
  readonly cache: FeatureCache;
  readonly clock = new ServerClock();
  readonly reporter: ErrorReporter;
  readonly listeners = new BackendListeners();
  /** The global version the cache is complete up to (-1: needs a snapshot). */
  private version = -1;
  private resyncing: Promise<void> | undefined;
  private again = false;
  private seenDuringResync = -1;
  private readonly writes = new LocalWrites();
  /** Features being reloaded, and whether another message came meanwhile (then: one more reload). */
  private readonly loading = new Map<string, boolean>();
  private readonly subscription: Subscription;
  private readonly timer: NodeJS.Timeout;
  private readonly readyPromise: Promise<void>;
  private markReady!: () => void;
  private closed = false;
  private readonly onClientReady = () => this.requestResync('client ready');
  private readonly onClientClose = () =>
    this.listeners.unavailable(new BackendUnavailableError('The connection to Redis closed.'));

  /**
   * Starts syncing: subscribes, loads, and checks every `resyncIntervalMs`.
   *
   * @example
   * const sync = new Synchronizer(client, config, true, new FeatureCache(), '{hanoi}:');
   */
  constructor(
    private readonly client: RedisClient,
    private readonly config: RedisConfig,
    private readonly withUsers: boolean,
    cache: FeatureCache,
    private readonly scriptBase: string,
  ) {
    this.cache = cache;
    cache.onChange = (names) => this.listeners.changed(names);
    this.reporter = createReporter(config.logger, config.onError);
    this.readyPromise = new Promise<void>((resolve) => (this.markReady = resolve));
    const readyTimer = setTimeout(() => this.markReady(), config.readyTimeoutMs);
    readyTimer.unref?.();
    void this.readyPromise.then(() => clearTimeout(readyTimer));
    client.on('ready', this.onClientReady);
    client.on('close', this.onClientClose);
    this.subscription = new Subscription(client, config.keys.channel, {
      message: (text) => this.onMessage(text),
      subscribed: () => this.requestResync('subscribed'),
      error: (err) => this.failed(err, 'The Redis subscription'),
    });
    this.timer = setInterval(() => void this.check(), config.resyncIntervalMs);
    this.timer.unref?.();
    if (client.status === 'wait') client.connect().catch(() => {});
  }

  /** Resolves once the first snapshot is applied, or after readyTimeoutMs; never rejects. */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  /** Whether the client can take a command now (not connecting, not closed). */
  get available(): boolean {
    return !this.closed && this.client.status === 'ready';
  }

  /**
   * Runs a local write on `name`: reloads prompted by messages for it wait
   * until its reply is applied, so they can be skipped when it covers them.
   */
  writingTo<T>(name: string, write: () => Promise<T>): Promise<T> {
    return this.writes.run(name, write, (version) => {
      if (version > this.cache.versionOf(name)) void this.load(name);
    });
  }

  /** Stops everything this class started; the client is left open. */
  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.client.off('ready', this.onClientReady);
    this.client.off('close', this.onClientClose);
    this.subscription.close();
    this.markReady();
  }

  /** Asks for a full snapshot; coalesces with one in flight. */
  requestResync(why: string): void {
    if (this.closed) return;
    debug('resync requested: %s', why);
    if (this.resyncing) {
      this.again = true;
      return;
    }
    this.resyncing = this.resync().finally(() => {
      this.resyncing = undefined;
      if (this.again) {
        this.again = false;
        this.requestResync('again');
      }
    });
  }

  private async resync(): Promise<void> {
    if (!this.available) return; // 'ready' on the client starts another
    this.seenDuringResync = -1;
    const { keys } = this.config;
    const sentAt = Date.now();
    try {
      const reply = (await withTimeout(
        runScript(this.client, 'snapshot', [keys.index, keys.version], [this.scriptBase, this.withUsers ? '1' : '0']),
        Math.max(this.config.readyTimeoutMs, 10_000),
        () => new BackendUnavailableError('Loading the features from Redis timed out.'),
      )) as SnapshotReply;
      const [version, time, features] = reply;
      this.clock.record(time, sentAt, Date.now());
      const decoded = new Map<string, Versioned>();
      for (const [name, state] of features) decoded.set(name, decodeState(name, state, this.withUsers));
      this.cache.replaceAll(version, decoded);
      this.version = Math.max(version, this.seenDuringResync);
      debug('snapshot at version %d: %d features', version, features.length);
      this.reporter.recovered('Loading features from Redis');
      this.listeners.available();
      this.markReady();
    } catch (err) {
      this.version = -1;
      this.failed(err, 'Loading features from Redis');
    }
  }

  private onMessage(text: string): void {
    const change = parseChange(text);
    if (!change) return;
    const { version, name } = change;
    if (this.resyncing) {
      // The snapshot in flight covers what came before it; reloads sent now
      // are answered after it, on the same connection, so they apply on top.
      this.seenDuringResync = Math.max(this.seenDuringResync, version);
      void this.load(name);
      return;
    }
    if (this.version < 0 || version > this.version + 1) return this.requestResync(`gap at ${version}`);
    if (version <= this.version) return; // an older message: the snapshot had it
    this.version = version;
    if (!this.writes.defer(name, version) && version > this.cache.versionOf(name)) void this.load(name);
  }

  /**
   * Reloads one feature; on failure, asks for a full resync.
   * Messages for a feature already being reloaded coalesce into one more
   * reload after it: a burst of writes (10,000 ids in batches) costs a few
   * reloads, not one per batch.
   */
  async load(name: string): Promise<void> {
    if (this.loading.has(name)) {
      this.loading.set(name, true);
      return;
    }
    this.loading.set(name, false);
    try {
      await this.loadOnce(name);
    } finally {
      const again = this.loading.get(name);
      this.loading.delete(name);
      if (again && !this.closed) void this.load(name);
    }
  }

  private async loadOnce(name: string): Promise<void> {
    if (!this.available) {
      this.version = -1;
      return;
    }
    const { keys } = this.config;
    try {
      const [version, state] = (await withTimeout(
        runScript(
          this.client,
          'load',
          [keys.index, keys.version, keys.feature('f', name), keys.feature('u', name), keys.feature('p', name)],
          [name, this.withUsers ? '1' : '0'],
        ),
        Math.max(this.config.writeTimeoutMs, 1000),
        () => new BackendUnavailableError(`Reloading feature ${JSON.stringify(name)} timed out.`),
      )) as LoadReply;
      if (state === 0) {
        // Removed at or before `version`; a re-add would carry a later one.
        this.cache.apply(name, version, undefined);
      } else {
        const { v, state: decoded } = decodeState(name, state, this.withUsers);
        this.cache.apply(name, v, decoded);
      }
    } catch (err) {
      this.version = -1;
      this.failed(err, 'Reloading a feature from Redis');
      // Not left for the periodic check: a reload that timed out on a busy
      // server is retried as a snapshot now (which waits for 'ready' if Redis is gone).
      this.requestResync('a reload failed');
    }
  }

  /** The periodic check: resync when behind, or when Redis's version moved without a message. */
  private async check(): Promise<void> {
    if (this.closed || this.resyncing || !this.available) return;
    if (this.version < 0) return this.requestResync('not loaded');
    const sentAt = Date.now();
    try {
      const [remote, time] = (await withTimeout(
        runScript(this.client, 'clock', [this.config.keys.version], []),
        Math.max(this.config.writeTimeoutMs, 1000),
        () => new BackendUnavailableError('The periodic version check timed out.'),
      )) as [number, [string, string]];
      this.clock.record(time, sentAt, Date.now());
      if (remote < this.version) return this.requestResync('the store went back');
      if (remote > this.version) {
        // Give messages in flight a moment before paying for a snapshot.
        const grace = setTimeout(() => {
          if (this.version < remote) this.requestResync(`behind: ${this.version} < ${remote}`);
        }, 200);
        grace.unref?.();
      }
    } catch (err) {
      this.failed(err, 'Checking the features version in Redis');
    }
  }

  /** Reports a failure once per outage and tells the listeners the store is away. */
  private failed(err: unknown, what: string): void {
    this.reporter.failure(err, what);
    if (!this.closed) this.listeners.unavailable(err);
  }

  /** Measures the clock offset now (before the first write, when no check has run yet). */
  async measureClock(): Promise<void> {
    const sentAt = Date.now();
    const [, time] = (await runScript(this.client, 'clock', [this.config.keys.version], [])) as [
      number,
      [string, string],
    ];
    this.clock.record(time, sentAt, Date.now());
  }
}
