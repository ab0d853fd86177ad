import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { MAX_USER_ID_LENGTH, normalizeUserId } from '@hanoi/core';
import { UsageError } from './exit-codes';

/** One line of an id file: its number, the id or why it is not one, and its size in bytes. */
export interface IdLine {
  line: number;
  id?: string;
  error?: string;
  bytes: number;
}

/**
 * Checks that `path` is a readable file and returns its size in bytes (the
 * progress bar's total).
 *
 * @example
 * const bytes = await idFileSize('ids.txt');
 */
export async function idFileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new UsageError(`${path} is not a file. --file takes a file of user ids, one per line.`);
    return info.size;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(
      `Cannot read ${path}: ${(err as Error).message}. --file takes a file of user ids, one per line.`,
    );
  }
}

/**
 * The lines of an id file, streamed (readline over a file stream, which
 * waits while the consumer is busy): each line is one id, exactly as
 * written, but for a trailing CR. Never holds more than a few lines.
 *
 * @example
 * for await (const { line, id, error } of readIdLines('ids.txt')) if (error) console.log(line, error);
 */
export async function* readIdLines(path: string): AsyncGenerator<IdLine> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      const bytes = Buffer.byteLength(text) + 1;
      const error = idError(text);
      yield error === undefined ? { line, id: text, bytes } : { line, error, bytes };
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

/**
 * The ids of a file in batches of `size`, for pipelined writes. Bad lines
 * are handed to `onInvalid` and left out.
 *
 * @example
 * for await (const batch of idBatches('ids.txt', 1000, report)) await rollout.register('beta', batch.ids);
 */
export async function* idBatches(
  path: string,
  size: number,
  onInvalid: (line: IdLine) => void,
): AsyncGenerator<{ ids: string[]; bytes: number }> {
  let ids: string[] = [];
  let bytes = 0;
  for await (const entry of readIdLines(path)) {
    bytes += entry.bytes;
    if (entry.id === undefined) onInvalid(entry);
    else ids.push(entry.id);
    if (ids.length >= size) {
      yield { ids, bytes };
      ids = [];
      bytes = 0;
    }
  }
  if (ids.length > 0 || bytes > 0) yield { ids, bytes };
}

/** Why `text` is not a user id, or `undefined` when it is one. */
function idError(text: string): string | undefined {
  try {
    normalizeUserId(text);
    return undefined;
  } catch {
    if (text.length === 0) return 'an empty line is not a user id';
    if (!text.isWellFormed()) return 'not well-formed Unicode';
    return `${[...text].length} characters, over the ${MAX_USER_ID_LENGTH} a user id may have`;
  }
}
