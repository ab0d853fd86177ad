import { HanoiError } from '@hanoi/core';

/**
 * Redis answered with an error of its own (out of memory, a read-only
 * replica, no permission...): it was reached and it said no. The message
 * carries Redis's reply as it is, and `redisCode` its first word (`OOM`,
 * `READONLY`, `NOPERM`). Exits 1.
 *
 * @example
 * throw new RedisRefusedError(reply, 'Registering the ids of ids.txt on feature "beta"');
 */
export class RedisRefusedError extends HanoiError {
  /** Redis's own error code: the first word of its reply, e.g. `OOM`. */
  readonly redisCode: string;

  constructor(reply: Error, doing?: string) {
    super('HANOI_REDIS_ERROR', `${doing ? `${doing}: ` : ''}Redis refused it: ${reply.message}`, { cause: reply });
    this.redisCode = /^[A-Z][A-Z_]*/.exec(reply.message)?.[0] ?? 'ERR';
  }
}

/**
 * The Redis error reply behind `error`, if Redis refused the command: the
 * error is the reply itself, or an "outcome unknown" write whose cause is
 * the reply (a bulk write wraps a reply that came after some of its
 * batches were applied; Redis did answer, so the CLI reports the answer).
 * An unavailable store stays that, whatever Redis said (LOADING, BUSY).
 *
 * @example
 * throw redisRefusal(err, 'Importing features.json') ?? err;
 */
export function redisRefusal(error: unknown, doing?: string): RedisRefusedError | undefined {
  if (error instanceof RedisRefusedError) return error;
  if (isReply(error)) return new RedisRefusedError(error, doing);
  const code = (error as { code?: unknown } | null)?.code;
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (code === 'HANOI_WRITE_OUTCOME_UNKNOWN' && isReply(cause)) return new RedisRefusedError(cause, doing);
  return undefined;
}

function isReply(error: unknown): error is Error {
  return error instanceof Error && error.name === 'ReplyError';
}
