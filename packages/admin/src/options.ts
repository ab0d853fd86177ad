import type { Rollout } from '@hanoi/core';

/** Who is asking, or `false` (also `undefined`/`null`) to answer 403. */
export type Authorize<Req> = (
  req: Req,
) => string | false | null | undefined | Promise<string | false | null | undefined>;

/** Options of `adminPage()`, on Express (`Req` is the request) and Koa (`Req` is the context). */
export interface AdminOptions<Req> {
  /** The rollout whose features the page shows and changes; a `Rollout<'beta' | ...>` is one too. */
  rollout: Rollout<string>;
  /**
   * Required. The signed-in person's identity (a non-empty string), shown in
   * the page and bound to its forms; `false` answers 403 to every page and action.
   */
  authorize: Authorize<Req>;
  /** Show everything, change nothing: no form that writes, and 403 to any write. */
  readOnly?: boolean;
  /** A line shown at the top of every page, such as "Production". */
  banner?: string;
  /**
   * The key that signs the forms' CSRF tokens. By default a random key per
   * process; give the same secret (32+ characters) to every process behind
   * one load balancer, or a form loaded from one process is refused by another.
   */
  secret?: string | Buffer;
  /** Features per page of the list; default 50. */
  pageSize?: number;
}

/** Options checked and completed. */
export interface AdminConfig<Req> {
  rollout: Rollout<string>;
  authorize: Authorize<Req>;
  readOnly: boolean;
  banner: string | undefined;
  secret: string | Buffer | undefined;
  pageSize: number;
}

/**
 * Checks `adminPage()` options once, at construction: a `TypeError` there,
 * not a failure on the first request.
 *
 * @example
 * const config = parseAdminOptions({ rollout, authorize: (req) => req.user?.id ?? false });
 */
export function parseAdminOptions<Req>(options: AdminOptions<Req>): AdminConfig<Req> {
  const where = 'adminPage(options)';
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: options must be an object: { rollout, authorize, readOnly?, banner? }.`);
  }
  const { rollout, authorize, readOnly = false, banner, secret, pageSize = 50 } = options;
  if (typeof rollout !== 'object' || rollout === null || typeof rollout.getFunc !== 'function') {
    throw new TypeError(`${where}: rollout must be a Rollout.`);
  }
  if (typeof authorize !== 'function') {
    throw new TypeError(
      `${where}: authorize is required: a function of the request that returns the signed-in ` +
        `person's identity, or false to refuse, e.g. (req) => (req.user?.isAdmin ? req.user.email : false).`,
    );
  }
  if (typeof readOnly !== 'boolean') throw new TypeError(`${where}: readOnly must be true or false.`);
  if (banner !== undefined && typeof banner !== 'string') throw new TypeError(`${where}: banner must be a string.`);
  if (secret !== undefined && !(Buffer.isBuffer(secret) || typeof secret === 'string')) {
    throw new TypeError(`${where}: secret must be a string or a Buffer.`);
  }
  if (secret !== undefined && secret.length < 32) {
    throw new TypeError(`${where}: secret must be at least 32 characters long.`);
  }
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
    throw new TypeError(`${where}: pageSize must be an integer from 1 to 1000.`);
  }
  return { rollout, authorize, readOnly, banner, secret, pageSize };
}
