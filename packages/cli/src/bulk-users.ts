import type { Rollout } from '@hanoi/core';
import { UsageError } from './exit-codes';
import { idBatches, idFileSize, readIdLines, type IdLine } from './id-file';
import { writePipelined } from './pipelined';
import { startProgress } from './progress';
import { redisRefusal } from './redis-refusal';

/** How a file of ids is applied. */
export interface BulkOptions {
  /** `register` or `unregister`. */
  verb: 'register' | 'unregister';
  /** Ids per `rollout.register` call. */
  batchSize: number;
  /** Calls waiting at once. */
  inFlight: number;
  /** Apply the valid lines and report the bad ones, rather than applying nothing. */
  skipInvalid: boolean;
  /** Draw a progress bar on `stderr`. */
  progress: boolean;
  stderr: NodeJS.WritableStream;
}

/** What a bulk run did: ids sent, and the bad lines (the first 100 in full). */
export interface BulkResult {
  ids: number;
  invalidCount: number;
  invalid: { line: number; reason: string }[];
}

const KEPT_BAD_LINES = 100;

/**
 * Checks every line of `path` in a first streaming pass and throws a
 * `UsageError` listing the bad ones; nothing is written.
 *
 * @example
 * await validateIdFile('ids.txt', options); // throws on "ids.txt:7: an empty line is not a user id"
 */
export async function validateIdFile(path: string, options: BulkOptions): Promise<number> {
  const size = await idFileSize(path);
  const bar = startProgress(options.stderr, options.progress, 'checking', size);
  const result: BulkResult = { ids: 0, invalidCount: 0, invalid: [] };
  try {
    for await (const lines of readIdLines(path)) {
      let bytes = 0;
      for (const entry of lines) {
        if (entry.id === undefined) keepBadLine(result, entry);
        else result.ids++;
        bytes += entry.bytes;
      }
      bar.advance(bytes, result.ids);
    }
  } finally {
    bar.stop();
  }
  if (result.invalidCount > 0) {
    throw new UsageError(
      `${describeBadLines(path, result)}\nNothing was ${options.verb}ed. Fix these lines, or pass --skip-invalid to ${options.verb} the valid ones.`,
    );
  }
  if (result.ids === 0) throw new UsageError(`${path} holds no user ids: give one per line.`);
  return result.ids;
}

/**
 * Streams the ids of `path` into `rollout.register` (or `unregister`) in
 * batches, several calls in flight; bad lines are skipped and counted.
 *
 * @example
 * const result = await applyIdFile(rollout, 'beta', 'ids.txt', options);
 */
export async function applyIdFile(
  rollout: Rollout,
  name: string,
  path: string,
  options: BulkOptions,
): Promise<BulkResult> {
  const size = await idFileSize(path);
  const bar = startProgress(options.stderr, options.progress, `${options.verb}ing`, size);
  const result: BulkResult = { ids: 0, invalidCount: 0, invalid: [] };
  let sent = 0;
  try {
    await writePipelined(
      idBatches(path, options.batchSize, (entry) => keepBadLine(result, entry)),
      async ({ ids, bytes }) => {
        if (ids.length > 0) await rollout[options.verb](name, ids);
        sent += ids.length;
        bar.advance(bytes, sent);
      },
      options.inFlight,
    );
  } catch (thrown) {
    bar.stop();
    const doing = `${options.verb === 'register' ? 'Registering' : 'Unregistering'} the ids of ${path} on feature ${JSON.stringify(name)}`;
    const err = redisRefusal(thrown, doing) ?? thrown;
    if (err instanceof Error && sent > 0) err.message += ` (${sent} ids were ${options.verb}ed before this)`;
    throw err;
  }
  bar.stop();
  result.ids = sent;
  return result;
}

/**
 * The bad lines as `file:line: reason`, the first 20, then how many more.
 *
 * @example
 * describeBadLines('ids.txt', result); // 'ids.txt:7: an empty line is not a user id'
 */
export function describeBadLines(path: string, result: BulkResult): string {
  const shown = result.invalid.slice(0, 20).map(({ line, reason }) => `${path}:${line}: ${reason}`);
  if (result.invalidCount > shown.length) shown.push(`… and ${result.invalidCount - shown.length} more bad lines`);
  return shown.join('\n');
}

function keepBadLine(result: BulkResult, entry: IdLine): void {
  result.invalidCount++;
  if (result.invalid.length < KEPT_BAD_LINES) result.invalid.push({ line: entry.line, reason: entry.error! });
}
