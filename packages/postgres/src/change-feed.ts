import type { StoreListener } from '@hanoi/core';
import { Client, type ClientConfig } from 'pg';
import { debuglog } from 'node:util';
import { parsePayload } from './codec';
import { withTimeout } from '@hanoi/core/internal';

const debug = debuglog('hanoi:postgres');

/** Timing of the feed's connection. */
export interface FeedTiming {
  /** How often the connection is checked with `SELECT 1` (a paused server sends no error). */
  readonly heartbeatMs: number;
  /** How long a connection, LISTEN or heartbeat may take before the connection is dropped and remade. */
  readonly timeoutMs: number;
}

/**
 * The change feed: LISTEN on a connection of its own, made from the pool's
 * settings (a listening connection cannot go back to a pool, and the store
 * closes only what it opened). NOTIFY is fire-and-forget: what is sent while
 * the connection is down is lost, so every (re)connection asks the cache
 * for a snapshot. A lost connection is remade with backoff (100 ms doubling
 * to 5 s, with jitter); a heartbeat finds a server that stopped answering.
 */
export class ChangeFeed {
  private client: Client | undefined;
  private listening = false;
  private closed = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private beating = false;

  constructor(
    private readonly config: ClientConfig,
    private readonly listen: string,
    private readonly listener: StoreListener,
    private readonly timing: FeedTiming,
  ) {
    void this.connect();
  }

  /** Whether the feed is listening now. */
  get connected(): boolean {
    return this.listening && !this.closed;
  }

  /** Stops listening and closes the connection; no reconnection after. */
  close(): void {
    this.closed = true;
    this.listening = false;
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeat);
    this.drop();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new Client({ ...this.config, connectionTimeoutMillis: this.timing.timeoutMs });
    this.client = client;
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('the listening connection closed')));
    client.on('notification', (message) => {
      if (this.client !== client || this.closed || message.payload === undefined) return;
      const change = parsePayload(message.payload);
      if (change === 'reset') this.listener.resync('the tables were truncated');
      else if (change) this.listener.change(change);
    });
    try {
      await withTimeout(
        (async () => {
          await client.connect();
          await client.query(`LISTEN ${this.listen}`);
        })(),
        this.timing.timeoutMs,
        () => new Error(`LISTEN did not answer in ${this.timing.timeoutMs} ms`),
      );
    } catch (err) {
      this.lost(client, err);
      return;
    }
    if (this.client !== client || this.closed) return;
    debug('listening on %s', this.listen);
    this.attempt = 0;
    this.listening = true;
    this.heartbeat = setInterval(() => void this.beat(client), this.timing.heartbeatMs);
    this.heartbeat.unref?.();
    this.listener.resync('listening');
  }

  private async beat(client: Client): Promise<void> {
    if (this.beating) return; // the last one is still out: its timeout decides
    this.beating = true;
    try {
      await withTimeout(client.query('SELECT 1'), this.timing.timeoutMs, () => new Error('the heartbeat timed out'));
    } catch (err) {
      this.lost(client, err);
    } finally {
      this.beating = false;
    }
  }

  /** The connection `client` failed: once per connection, drop it and try again later. */
  private lost(client: Client, err: unknown): void {
    if (this.client !== client || this.closed) return;
    debug('feed lost: %s', String(err));
    this.listening = false;
    clearInterval(this.heartbeat);
    this.drop();
    this.listener.error(err);
    const delay = Math.min(100 * 2 ** this.attempt++, 5000);
    this.retryTimer = setTimeout(() => void this.connect(), delay / 2 + Math.random() * (delay / 2));
    this.retryTimer.unref?.();
  }

  private drop(): void {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    client.removeAllListeners('notification');
    client.on('error', () => {}); // late errors of a dropped connection
    // end() waits for the server; a paused one never answers: destroy the socket instead.
    const socket = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
    if (socket) socket.destroy();
    else void client.end().catch(() => {});
  }
}
