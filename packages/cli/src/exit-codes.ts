import { HanoiError } from '@hanoi/core';

/**
 * What `hanoi` exits with. Stable: scripts branch on these.
 *
 * | code | meaning |
 * |---|---|
 * | 0 | done |
 * | 1 | an unexpected error (a bug, or Redis answered with an error) |
 * | 2 | usage or invalid input: nothing was changed |
 * | 3 | the feature does not exist |
 * | 4 | Redis could not be reached in time, or stopped answering mid-way |
 * | 5 | conflict, nothing was written: a revert of a feature changed after its entry, a segment a rule uses, a feature another requires |
 */
export const ExitCode = {
  OK: 0,
  UNEXPECTED: 1,
  USAGE: 2,
  UNKNOWN_FEATURE: 3,
  UNREACHABLE: 4,
  CONFLICT: 5,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A mistake on the command line (a missing option, a malformed file) found
 * before anything was written. Exits with 2.
 *
 * @example
 * throw new UsageError('Give user ids, --pattern or --file.');
 */
export class UsageError extends HanoiError {
  constructor(message: string) {
    super('HANOI_CLI_USAGE', message);
  }
}

/**
 * Redis did not answer in time, or the connection broke. Exits with 4.
 *
 * @example
 * throw new UnreachableError('redis://127.0.0.1:6390', 'connect ECONNREFUSED 127.0.0.1:6390');
 */
export class UnreachableError extends HanoiError {
  constructor(target: string, reason: string) {
    super(
      'HANOI_BACKEND_UNAVAILABLE',
      `Redis at ${target} could not be reached (${reason}). Check the address (--redis, --cluster or REDIS_URL) and that Redis runs, or raise --timeout.`,
    );
  }
}

// ioredis' own messages for a connection that is gone: nothing was sent, or the answer was lost.
const CONNECTION_LOST =
  /Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|MaxRetriesPerRequest|Stream isn't writeable|Failed to refresh slots cache/i;

/**
 * The exit code for an error thrown by a command.
 *
 * @example
 * exitCodeFor(new FeatureNotFoundError('beta')); // 3
 */
export function exitCodeFor(error: unknown): ExitCodeValue {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'HANOI_CLI_USAGE' || code === 'HANOI_INVALID_ARGUMENT') return ExitCode.USAGE;
  if (code === 'HANOI_FEATURE_NOT_FOUND') return ExitCode.UNKNOWN_FEATURE;
  if (code === 'HANOI_CONFLICT') return ExitCode.CONFLICT;
  if (code === 'HANOI_REDIS_ERROR') return ExitCode.UNEXPECTED;
  if (code === 'HANOI_BACKEND_UNAVAILABLE' || code === 'HANOI_WRITE_OUTCOME_UNKNOWN') return ExitCode.UNREACHABLE;
  if (error instanceof Error && CONNECTION_LOST.test(`${error.name} ${error.message}`)) return ExitCode.UNREACHABLE;
  return ExitCode.UNEXPECTED;
}

/**
 * Ends the command with `exitCode` after it has printed its answer, with no
 * further message (e.g. `check` on an unknown feature: "off: no such
 * feature", exit 3).
 *
 * @example
 * throw new QuietExit(ExitCode.UNKNOWN_FEATURE);
 */
export class QuietExit extends Error {
  constructor(readonly exitCode: ExitCodeValue) {
    super(`exit ${exitCode}`);
  }
}
