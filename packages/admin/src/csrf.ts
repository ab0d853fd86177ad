import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a form stays good to submit. */
export const TOKEN_LIFETIME_MS = 12 * 60 * 60 * 1000;

/**
 * CSRF tokens signed with a server-side key and bound to the signed-in actor
 * (the identity `authorize` returned) and the time they were issued:
 * `issued.mac`, where mac = HMAC-SHA256(key, actor, issued).
 *
 * Why not a double-submit cookie: its defence is that a cross-site page
 * cannot read or write the cookie, but a sibling subdomain or anyone on a
 * plain-HTTP hop can plant one (cookie tossing), and the admin page does not
 * own the app's cookies or know whether it runs on HTTPS. A token the server
 * signs for one actor cannot be made without the key, and a token issued to
 * one actor is worthless to another; it needs no state on the server and no
 * cookie of its own.
 *
 * @example
 * const csrf = new CsrfTokens();
 * const token = csrf.issue('alice');
 * csrf.verify('alice', token); // true
 */
export class CsrfTokens {
  private readonly key: Buffer;

  constructor(secret?: string | Buffer) {
    this.key = secret === undefined ? randomBytes(32) : Buffer.from(secret);
  }

  issue(actor: string, now = Date.now()): string {
    const issued = now.toString(36);
    return `${issued}.${this.mac(actor, issued)}`;
  }

  verify(actor: string, token: unknown, now = Date.now()): boolean {
    if (typeof token !== 'string' || token.length > 200) return false;
    const dot = token.indexOf('.');
    if (dot <= 0) return false;
    const issued = token.slice(0, dot);
    const time = parseInt(issued, 36);
    if (!/^[0-9a-z]+$/.test(issued) || !Number.isSafeInteger(time)) return false;
    // A minute's slack for clocks of processes sharing the key.
    if (time > now + 60_000 || now - time > TOKEN_LIFETIME_MS) return false;
    const given = Buffer.from(token.slice(dot + 1));
    const wanted = Buffer.from(this.mac(actor, issued));
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  }

  private mac(actor: string, issued: string): string {
    return createHmac('sha256', this.key).update(`hanoi-admin-csrf\0${actor}\0${issued}`).digest('base64url');
  }
}
