import { debuglog } from 'node:util';
import type { RedisClient } from './scripts';

const debug = debuglog('hanoi:redis');

/** What a subscription reports. */
export interface SubscriptionHandlers {
  /** A message on the channel. */
  message(text: string): void;
  /** The channel is subscribed: on start, and again after every reconnection. */
  subscribed(): void;
  /** The connection failed; it keeps retrying by itself. */
  error(err: unknown): void;
}

/**
 * The changes channel, on a connection of its own (`client.duplicate()`,
 * for a Cluster too: classic PUBLISH reaches subscribers on every node). A
 * subscribed connection can run nothing else, and the backend closes only
 * what it opened: this connection, never the client it was handed.
 *
 * Pub/sub is fire-and-forget: messages sent while the connection is down
 * are lost, so every (re)subscription is reported and the backend resyncs.
 */
export class Subscription {
  private readonly connection: RedisClient;
  private closed = false;

  /**
   * Opens the connection and subscribes to `channel`.
   *
   * @example
   * const sub = new Subscription(client, '{hanoi}:changes', { message, subscribed, error });
   */
  constructor(client: RedisClient, channel: string, handlers: SubscriptionHandlers) {
    const connection = client.duplicate() as RedisClient;
    this.connection = connection;
    connection.on('error', (err: unknown) => {
      debug('subscriber error: %s', String(err));
      if (!this.closed) handlers.error(err);
    });
    connection.on('message', (received: string, text: string) => {
      if (received === channel && !this.closed) handlers.message(text);
    });
    // 'ready' comes on the first connection and after every reconnection.
    // Subscribing again is harmless, and its reply says the channel is live.
    connection.on('ready', () => {
      if (this.closed) return;
      connection.subscribe(channel).then(
        () => {
          debug('subscribed to %s', channel);
          if (!this.closed) handlers.subscribed();
        },
        (err: unknown) => {
          if (!this.closed) handlers.error(err);
        },
      );
    });
    if (connection.status === 'wait') connection.connect().catch(() => {});
  }

  /**
   * Closes the connection at once (no QUIT: Redis may be away).
   *
   * @example
   * sub.close();
   */
  close(): void {
    this.closed = true;
    this.connection.disconnect();
  }
}
