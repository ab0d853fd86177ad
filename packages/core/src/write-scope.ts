import { userInfo, hostname } from 'node:os';
import { InvalidArgumentError } from './errors';
import type { HistorySource, WriteMeta } from './history';

/** Who writes and why: a Rollout's `actor` option, or `rollout.as({ actor, reason })`. */
export interface WriteScope {
  /** Who makes the writes, as history records it: 1..256 characters, no control characters. */
  actor?: string;
  /** Why, as history records it: up to 1,000 characters. */
  reason?: string;
}

const SOURCES: readonly HistorySource[] = ['api', 'cli', 'admin'];

/**
 * `user@host` of this process: the actor of writes when none is given, so
 * an entry never has an empty one.
 *
 * @example
 * processActor(); // 'deploy@web-3'
 */
export function processActor(): string {
  let user = 'unknown';
  try {
    user = userInfo().username || user;
  } catch {
    // No entry for this uid (some containers): the host still says where.
  }
  return `${user}@${hostname() || 'localhost'}`;
}

/**
 * Checks a scope and merges it into `meta`. Bad values are an `InvalidArgumentError`.
 *
 * @example
 * withScope({ actor: 'api', source: 'api' }, { actor: 'ana', reason: 'incident 42' });
 */
export function withScope(meta: WriteMeta, scope: WriteScope): WriteMeta {
  if (typeof scope !== 'object' || scope === null) {
    throw new InvalidArgumentError('scope', scope, 'Pass { actor?, reason? }.');
  }
  const next: { -readonly [K in keyof WriteMeta]: WriteMeta[K] } = { ...meta };
  if (scope.actor !== undefined) next.actor = checkText('actor', scope.actor, 256, 1);
  if (scope.reason !== undefined) next.reason = checkText('reason', scope.reason, 1000, 0);
  return next;
}

/** A history source, checked. */
export function checkSource(source: unknown): HistorySource {
  if (!SOURCES.includes(source as HistorySource)) {
    throw new TypeError(`source must be one of ${SOURCES.join(', ')}; got ${JSON.stringify(source)}.`);
  }
  return source as HistorySource;
}

function checkText(field: string, value: unknown, max: number, min: number): string {
  if (
    typeof value !== 'string' ||
    value.trim().length < min ||
    value.length > max ||
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f]/.test(value)
  ) {
    throw new InvalidArgumentError(
      field,
      value,
      `The ${field} is a string of ${min} to ${max} characters without control characters.`,
    );
  }
  return value;
}
