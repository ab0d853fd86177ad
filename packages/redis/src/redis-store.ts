import {
  BackendUnavailableError,
  ConflictError,
  FeatureDamagedError,
  HistoryDamagedError,
  FeatureNotFoundError,
  InvalidArgumentError,
  isHanoiError,
  WriteOutcomeUnknownError,
  type FeatureStore,
  type HistoryPage,
  type HistoryQuery,
  type LookupAnswer,
  type LookupQuery,
  type MembersPage,
  type MembersQuery,
  type WriteMeta,
  type StoreHead,
  type StoreListener,
  type StoreRead,
  type StoreReadSince,
  type StoreSnapshot,
  type StoreWrite,
  type StoreWriteResult,
} from '@hanoi/core';
import { withTimeout } from '@hanoi/core/internal';
import { ReplyError } from 'ioredis';
import { randomBytes } from 'node:crypto';
import {
  decodeChangedFeature,
  decodeChanges,
  decodeEntry,
  decodeFeature,
  encodeData,
  encodePattern,
  parseChange,
  type StateReply,
} from './codec';
import { waitForConnection } from './connection';
import { parseOptions, type RedisBackendOptions, type RedisConfig } from './options';
import { defineScripts, runScript, UNREADABLE, type RedisClient } from './scripts';
import { Subscription } from './subscription';
import { ServerClock } from './timeouts';
import { writeUserBatches } from './user-batches';

/** How a lookup names a feature's deny list (core's `denyEntry`). */
const DENY = 'deny ';

// The epoch id a write proposes (used only when it starts a new epoch): 8 random bytes, taken from a pool
// filled 512 ids at a time rather than by a call to the system's generator per write.
let pool = Buffer.alloc(0);
let taken = 0;
function proposedEpoch(): string {
  if (taken + 8 > pool.length) {
    pool = randomBytes(4096);
    taken = 0;
  }
  taken += 8;
  return pool.toString('hex', taken - 8, taken);
}

/** The most SSCAN calls one page of `members` makes. */
const MEMBER_SCANS = 20;

/** A `members` cursor, `<SSCAN cursor>:<ids to skip>`; none is the start. */
function parseCursor(after: string | undefined): [string, number] {
  if (after === undefined) return ['0', 0];
  const found = /^(\d{1,20}):(\d{1,6})$/.exec(after);
  if (!found)
    throw new InvalidArgumentError('after', after, 'after is the `next` of the page before, as it was returned.');
  return [found[1]!, Number(found[2])];
}

/** What a write is, for its errors: a string, or a function that makes it (a write that succeeds never needs it). */
type Describe = string | (() => string);

/** The answer of a lookup that could not read `name`'s key: nothing listed, `name` unknown (decided closed in core). */
function unknownAnswer(name: string): LookupAnswer {
  return Object.assign(new Set<string>(), { unknown: new Set([name]) });
}

function described(what: Describe): string {
  return typeof what === 'string' ? what : what();
}

/** A write script's reply. */
export type WriteReply =
  | ['expired']
  | ['missing']
  | ['damaged', string]
  | ['history', string]
  | ['conflict', string]
  | ['ok', string, number, number, StateReply | 0, string];

type HeadReply = [string, number, [string, string]];

/**
 * How far back another process's reload takes what changed (`readSince`):
 * at most this many writes, and this many bytes of their history entries;
 * beyond, it reads the users whole.
 */
const SINCE_WRITES = 100;
const SINCE_BYTES = 256 * 1024;

/**
 * The Redis store: features under one prefix of a Redis or Cluster, every
 * write one atomic Lua script that bumps the version (in its epoch) and
 * publishes `<epoch> <version> <name>`. `holdsUsers` says whether processes
 * hold the user sets (RedisBackend) or look users up (RedisHighPerfBackend).
 *
 * Write guarantee: a write is sent only when the client is connected
 * ('ready'); issued while it connects or reconnects, it waits for the
 * connection up to writeTimeoutMs, and when Redis is still unreachable then
 * it rejects with HANOI_BACKEND_UNAVAILABLE and nothing is sent, so no
 * offline queue can replay it. A sent write carries a deadline in Redis's
 * clock (writeTimeoutMs from the call, less the clock measurement's error
 * and 5 ms) that its script checks before changing anything: a write resent
 * after a reconnection, or stuck behind a paused server, is refused once the
 * caller has been told it failed. A sent write with no answer in time
 * rejects with HANOI_WRITE_OUTCOME_UNKNOWN: it may have been applied before
 * its deadline, never after.
 *
 * @example
 * const backend = new StoreBackend(new RedisStore(client, { prefix: 'shop' }, true));
 */
export class RedisStore implements FeatureStore {
  readonly clock = new ServerClock();
  private readonly scriptBase: string;
  /** Background reads (snapshots, version checks) sent and not answered: two at most while Redis hangs. */
  private background = 0;
  private closed = false;
  private readonly closers: (() => void)[] = [];
  private lastKeys: [string, readonly string[]] | undefined;

  readonly config: RedisConfig;
  /** Deny lists are the field `x:deny` of a feature's hash, written by the write script. */
  readonly denyLists = true;

  /**
   * @param client an ioredis `Redis` or `Cluster`, never closed by the store.
   * @param options as RedisBackend takes them.
   * @param holdsUsers whether processes hold the user sets (RedisBackend) or look users up (RedisHighPerfBackend).
   */
  constructor(
    readonly client: RedisClient,
    options: RedisBackendOptions | undefined,
    readonly holdsUsers: boolean,
  ) {
    const config = parseOptions(client, options);
    this.config = config;
    // ioredis adds its keyPrefix to KEYS but not to keys a script builds: add it to those.
    this.scriptBase = ((client.options as { keyPrefix?: string }).keyPrefix ?? '') + config.keys.base;
    defineScripts(client);
  }

  async snapshot(): Promise<StoreSnapshot> {
    const { keys } = this.config;
    const [epoch, version, time, features] = (await this.backgroundRead(
      'Loading the features',
      Math.max(this.config.readyTimeoutMs, 10_000),
      () =>
        runScript(
          this.client,
          'snapshot',
          [keys.index, keys.version, keys.epoch],
          [this.scriptBase, this.holdsUsers ? '1' : '0'],
        ),
    )) as [string, number, [string, string], [string, StateReply][]];
    void time;
    return {
      epoch,
      version: Number(version),
      features: features.map(([name, state]) => decodeFeature(name, state, this.holdsUsers, this.holdsUsers)),
    };
  }

  async read(name: string, withUsers: boolean): Promise<StoreRead> {
    const [epoch, version, state] = (await this.call(`Reading feature ${JSON.stringify(name)}`, () =>
      runScript(this.client, 'load', this.featureKeys(name), [name, withUsers ? '1' : '0']),
    )) as [string, number, StateReply | 0];
    return {
      epoch,
      version: Number(version),
      feature: state === 0 ? undefined : decodeFeature(name, state, withUsers, this.holdsUsers),
    };
  }

  async readSince(name: string, since: StoreHead): Promise<StoreReadSince> {
    const [epoch, version, state, changes] = (await this.call(`Reloading feature ${JSON.stringify(name)}`, () =>
      runScript(this.client, 'since', this.featureKeys(name), [
        name,
        since.epoch,
        String(since.version),
        String(SINCE_WRITES),
        String(SINCE_BYTES),
        this.holdsUsers ? '1' : '0',
      ]),
    )) as [string, number, StateReply | 0, [string, string][] | undefined];
    const head = { epoch, version: Number(version) };
    if (state === 0) return { ...head, feature: undefined };
    if (changes === undefined)
      return { ...head, feature: decodeFeature(name, state, this.holdsUsers, this.holdsUsers) };
    const decoded = decodeChanges(changes);
    return {
      ...head,
      feature: decodeChangedFeature(name, state, false, this.holdsUsers),
      changes: decoded.users,
      patternChanges: decoded.patterns,
    };
  }

  async head(): Promise<StoreHead> {
    const sentAt = Date.now();
    const [epoch, version, time] = (await this.backgroundRead('Checking the version', this.config.writeTimeoutMs, () =>
      runScript(this.client, 'head', [this.config.keys.version, this.config.keys.epoch], []),
    )) as HeadReply;
    this.clock.record(time, sentAt, Date.now());
    return { epoch, version: Number(version) };
  }

  async write(name: string, write: StoreWrite): Promise<StoreWriteResult> {
    const meta = write.meta;
    switch (write.op) {
      case 'add': {
        const defaults = encodeData(write.defaults);
        return this.writeOne(name, 'add', [String(defaults.length), ...defaults, ...encodeData(write.data)], meta);
      }
      case 'update':
        return this.writeOne(name, 'update', encodeData(write.data), meta);
      case 'toggle':
        return this.writeOne(name, 'toggle', [], meta);
      case 'addPattern':
        return this.writeOne(name, 'padd', [encodePattern(write.pattern)], meta);
      case 'removePattern':
        return this.writeOne(name, 'prem', [encodePattern(write.pattern)], meta);
      case 'remove':
        return this.writeOne(name, 'remove', [], meta);
      case 'restore': {
        const data = encodeData(write.data);
        const args = [String(data.length), ...data, String(write.users.length), ...write.users];
        return this.writeOne(name, 'restore', [...args, ...write.patterns.map(encodePattern)], meta);
      }
      case 'addDenied':
      case 'removeDenied':
        return this.writeOne(name, write.op === 'addDenied' ? 'dadd' : 'drem', write.users, meta);
      case 'addUsers':
      case 'removeUsers':
        return writeUserBatches(this, name, write.op === 'addUsers' ? 'sadd' : 'srem', write.users, meta);
    }
  }

  /**
   * Entries of the history stream, newest first: XREVRANGE from `before`
   * (exclusive), in pages when only one feature's entries are wanted
   * (the stream holds every feature's, historyLimit at most).
   */
  async history(query: HistoryQuery): Promise<HistoryPage> {
    const key = this.config.keys.history;
    const client = this.client as import('ioredis').Redis;
    return this.call('Reading the history', async () => {
      if (query.id !== undefined) {
        if (!/^\d+-\d+$/.test(query.id)) return { entries: [], dropped: 0 };
        const found = (await client.xrange(key, query.id, query.id)) as [string, string[]][];
        return { entries: found.map(decodeEntry), dropped: 0 };
      }
      const entries = [];
      // One feature's entries are among every feature's: pages that grow (to 500) find them in a few
      // round trips without fetching 500 entries (of up to 1,000 ids each) for a page of 20.
      let page = query.feature === undefined ? query.limit : Math.min(Math.max(query.limit * 2, 50), 500);
      let end = query.before === undefined ? '+' : `(${query.before}`;
      while (entries.length < query.limit) {
        const found = (await client.xrevrange(key, end, '-', 'COUNT', page)) as [string, string[]][];
        for (const raw of found) {
          const entry = decodeEntry(raw);
          if (query.feature === undefined || entry.feature === query.feature) entries.push(entry);
          if (entries.length === query.limit) break;
        }
        if (found.length < page) break;
        end = `(${found[found.length - 1]![0]}`;
        if (query.feature !== undefined) page = Math.min(page * 4, 500);
      }
      return { entries, dropped: Number(await runScript(client, 'dropped', [key], [])) };
    });
  }

  /**
   * For each query, which of its names (features, segments) list its unit:
   * one command, whatever the number of units and names. Fails at once
   * when not connected; the cache times it out. A key that cannot be read
   * (another type) harms only its name: the answer names it `unknown`, and
   * core decides it as a failed lookup (not listed, in no segment, denied).
   */
  async lookup(queries: readonly LookupQuery[]): Promise<readonly LookupAnswer[]> {
    if (this.client.status !== 'ready') {
      throw new BackendUnavailableError(`Looking up a user: Redis is not connected (status ${this.client.status}).`);
    }
    // One name, the common check: a plain SISMEMBER, which costs Redis and the client less than a script call.
    if (queries.length === 1 && queries[0]!.names.length === 1) {
      const { unit, names } = queries[0]!;
      const name = names[0]!;
      const key = name.startsWith(DENY)
        ? this.config.keys.feature('d', name.slice(DENY.length))
        : this.config.keys.feature('u', name);
      try {
        return [(await this.client.sismember(key, unit)) === 1 ? new Set(names) : new Set()];
      } catch (err) {
        if (!(err instanceof ReplyError && (err as Error).message.startsWith('WRONGTYPE'))) throw err;
        return [unknownAnswer(name)];
      }
    }
    const { keys } = this.config;
    const setKeys: string[] = [];
    const units: string[] = [];
    for (const { unit, names } of queries) {
      for (const name of names) {
        setKeys.push(name.startsWith(DENY) ? keys.feature('d', name.slice(DENY.length)) : keys.feature('u', name));
        units.push(unit);
      }
    }
    const found = (await runScript(this.client, 'lookup', setKeys, units)) as number[];
    let i = 0;
    return queries.map(({ names }) => {
      const listed: Set<string> & { unknown?: Set<string> } = new Set<string>();
      for (const name of names) {
        const answer = found[i++];
        if (answer === 1) listed.add(name);
        else if (answer === UNREADABLE) (listed.unknown ??= new Set()).add(name);
      }
      return listed;
    });
  }

  async listNames(): Promise<string[]> {
    return (await this.call('Listing features', () => this.client.smembers(this.config.keys.index))) as string[];
  }

  async userCount(name: string): Promise<number> {
    const count = await this.call(`Counting the users of ${JSON.stringify(name)}`, async () => {
      const key = this.config.keys.feature('u', name);
      return (await this.client.type(key)) === 'set' ? this.client.scard(key) : 0;
    });
    return Number(count);
  }

  /**
   * One page of a feature's users (a segment's units) or deny list, read
   * with SSCAN, never SMEMBERS: a page costs a few bounded calls whatever
   * the set's size. Redis keeps no order in a set, so the pages follow
   * SSCAN's cursor (`ordered: false`); `next` is `<cursor>:<skip>`, the
   * SSCAN cursor the page ended in and how many of that call's ids it took.
   * Over an unchanged set the pages hold every id once; a write between
   * two pages (or a rehash of the set) may show an id on two pages, and an
   * id added meanwhile may be missed. A search (`contains`) is SSCAN's
   * MATCH: it looks through at most 20 calls' worth of ids per page, so a
   * rare match may come on a page with fewer ids than asked, and its
   * `total` is unknown; without one, `total` is SCARD.
   */
  async members(name: string, query: MembersQuery): Promise<MembersPage> {
    const key = this.config.keys.feature(query.list === 'deny' ? 'd' : 'u', name);
    let [cursor, skip] = parseCursor(query.after);
    const contains = query.contains ?? '';
    const count = contains === '' ? Math.max(query.limit, 10) : 1000;
    const match = `*${contains.replace(/[*?[\]\\]/g, '\\$&')}*`;
    const client = this.client as import('ioredis').Redis;
    return this.call(`Listing the ${query.list} of ${JSON.stringify(name)}`, async () => {
      const ids: string[] = [];
      const seen = new Set<string>();
      // A rehash may hand an id back twice: a page holds each once.
      const take = (batch: readonly string[]) => {
        for (const id of batch) {
          if (seen.has(id)) continue;
          seen.add(id);
          ids.push(id);
        }
      };
      let next: string | undefined;
      for (let calls = 0; ; calls++) {
        if (calls === MEMBER_SCANS) {
          next = `${cursor}:0`;
          break;
        }
        const [after, batch] =
          contains === ''
            ? await client.sscan(key, cursor, 'COUNT', count)
            : await client.sscan(key, cursor, 'MATCH', match, 'COUNT', count);
        const room = query.limit - ids.length;
        const usable = batch.slice(skip);
        if (usable.length > room) {
          take(usable.slice(0, room));
          next = `${cursor}:${skip + room}`;
          break;
        }
        take(usable);
        [cursor, skip] = [after, 0];
        if (cursor === '0') break;
        if (ids.length === query.limit) {
          next = `${cursor}:0`;
          break;
        }
      }
      const total = contains === '' ? Number(await client.scard(key)) : undefined;
      return {
        ids,
        ...(next !== undefined ? { next } : {}),
        ordered: false,
        ...(total !== undefined ? { total } : {}),
      };
    });
  }

  /** Whether the client can take a command now; when it is back, 'ready' asks the cache for a resync. */
  isConnected(): boolean {
    return !this.closed && this.client.status === 'ready';
  }

  subscribe(listener: StoreListener): () => void {
    const subscription = new Subscription(this.client, this.config.keys.channel, {
      message: (text) => {
        const change = parseChange(text);
        if (change) listener.change(change);
      },
      subscribed: () => listener.resync('subscribed'),
      error: (err) => listener.error(err),
    });
    const onReady = () => listener.resync('client ready');
    this.client.on('ready', onReady);
    if (this.client.status === 'wait') this.client.connect().catch(() => {});
    const stop = () => {
      this.client.off('ready', onReady);
      subscription.close();
    };
    this.closers.push(stop);
    return stop;
  }

  /** Closes the subscriber connection this store opened; the client it was handed stays open. */
  async close(): Promise<void> {
    this.closed = true;
    for (const close of this.closers.splice(0)) close();
  }

  /**
   * @internal The keys a script on `name` touches, in the order the scripts
   * expect. Those of the last name asked are kept (one name, no more):
   * writes come in runs on one feature.
   */
  featureKeys(name: string): readonly string[] {
    if (this.lastKeys?.[0] === name) return this.lastKeys[1];
    const { keys } = this.config;
    const featureKeys = [
      keys.index,
      keys.version,
      keys.epoch,
      keys.feature('f', name),
      keys.feature('u', name),
      keys.feature('p', name),
      keys.history,
      keys.heads,
      keys.feature('d', name),
    ];
    this.lastKeys = [name, featureKeys];
    return featureKeys;
  }

  /** @internal The script arguments of a write: deadline, who and why, the op and its arguments. */
  writeArgs(name: string, op: string, deadline: number, args: readonly string[], meta?: WriteMeta): string[] {
    const { actor = 'unknown', reason = '', source = 'api', reverts = '', expect } = meta ?? {};
    return [
      this.config.keys.channel,
      name,
      String(deadline),
      proposedEpoch(),
      actor,
      reason,
      source,
      reverts,
      expect === undefined ? '0' : '1',
      expect ?? '',
      String(this.config.historyLimit),
      op,
      ...args,
    ];
  }

  /**
   * @internal Waits for the connection until `until` (local ms), then
   * returns the deadline in Redis's clock that a write sent now carries.
   * Rejects with HANOI_BACKEND_UNAVAILABLE, nothing sent, when Redis is not
   * back by then.
   */
  async writeDeadline(what: string, until: number): Promise<number> {
    if (this.closed) throw new BackendUnavailableError(`${what}: the backend was closed; nothing was sent.`);
    await waitForConnection(this.client, Math.max(until - Date.now(), 0), what);
    if (!this.clock.known) {
      const sentAt = Date.now();
      const [, , time] = (await this.call(
        what,
        () => runScript(this.client, 'head', [this.config.keys.version, this.config.keys.epoch], []),
        until,
      )) as HeadReply;
      this.clock.record(time, sentAt, Date.now());
    }
    return this.clock.deadline(Math.max(until - Date.now(), 0));
  }

  /**
   * @internal Waits for a sent write until `until`; no answer by then, or a
   * lost connection, is an unknown outcome. `what` names the write in errors
   * (a function: made only for one).
   */
  async awaitWrite<T>(what: Describe, sent: Promise<T>, until: number): Promise<T> {
    try {
      return await withTimeout(
        sent,
        Math.max(until - Date.now(), 1),
        () => new WriteOutcomeUnknownError(described(what)),
      );
    } catch (err) {
      if (isHanoiError(err) || err instanceof ReplyError) throw err;
      throw new WriteOutcomeUnknownError(described(what), { cause: err });
    }
  }

  /** @internal A write script's reply as a result, or the error it means. */
  writeResult(name: string, what: Describe, reply: unknown): StoreWriteResult {
    const [status] = reply as WriteReply;
    if (status === 'missing') throw new FeatureNotFoundError(name);
    if (status === 'history') throw new HistoryDamagedError((reply as ['history', string])[1]);
    if (status === 'conflict') {
      throw new ConflictError(name, String((reply as string[])[2] ?? ''), (reply as ['conflict', string])[1]);
    }
    if (status === 'damaged') throw new FeatureDamagedError(name, (reply as ['damaged', string])[1]);
    if (status === 'expired') {
      throw new BackendUnavailableError(
        `${described(what)}: Redis answered after the write's deadline, so it refused it; nothing was applied.`,
      );
    }
    const [, epoch, version, previousV, state, entry] = reply as ['ok', string, number, number, StateReply | 0, string];
    let feature;
    if (state !== 0) {
      feature = decodeChangedFeature(name, state, false, this.holdsUsers);
      if ('damaged' in feature) throw new FeatureDamagedError(name, feature.damaged);
    }
    return { epoch, version: Number(version), name, entry: String(entry), previousV: Number(previousV), feature };
  }

  /** @internal Sends one write script; see the class comment for what a rejection means. */
  async writeOne(
    name: string,
    op: string,
    args: readonly string[],
    meta: WriteMeta | undefined,
    what: Describe = () => `${op} on feature ${JSON.stringify(name)}`,
  ): Promise<StoreWriteResult> {
    const until = Date.now() + this.config.writeTimeoutMs;
    // Connected with a measured clock (the usual case): the deadline at once, without waiting on a promise.
    const deadline =
      !this.closed && this.clock.known && this.client.status === 'ready'
        ? this.clock.deadline(this.config.writeTimeoutMs)
        : await this.writeDeadline(described(what), until);
    const sent = runScript(
      this.client,
      'write',
      this.featureKeys(name),
      this.writeArgs(name, op, deadline, args, meta),
    );
    return this.writeResult(name, what, await this.awaitWrite(what, sent, until));
  }

  /**
   * A read for a caller, within the write timeout: it waits for a
   * connection being made (or remade) for what is left of it, then sends.
   */
  private async call<T>(
    what: string,
    send: () => Promise<T>,
    until = Date.now() + this.config.writeTimeoutMs,
  ): Promise<T> {
    await waitForConnection(this.client, Math.max(until - Date.now(), 0), what);
    return withTimeout(
      send(),
      Math.max(until - Date.now(), 1),
      () => new BackendUnavailableError(`${what}: Redis did not answer in ${this.config.writeTimeoutMs} ms.`),
    );
  }

  /**
   * A read the cache makes in the background: never waits for a connection
   * (the reconnection asks for a resync itself), and never piles up behind
   * a server that hangs: while one is unanswered, the next fails at once.
   */
  private backgroundRead<T>(what: string, ms: number, send: () => Promise<T>): Promise<T> {
    if (this.closed || this.client.status !== 'ready') {
      return Promise.reject(
        new BackendUnavailableError(`${what}: Redis is not connected (status ${this.client.status}).`),
      );
    }
    if (this.background >= 2) {
      return Promise.reject(new BackendUnavailableError(`${what}: an earlier request is still unanswered.`));
    }
    this.background++;
    const sent = send();
    const settle = () => void this.background--;
    sent.then(settle, settle);
    return withTimeout(sent, ms, () => new BackendUnavailableError(`${what}: Redis did not answer in ${ms} ms.`));
  }
}
