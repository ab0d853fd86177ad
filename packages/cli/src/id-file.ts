import { isUtf8 } from 'node:buffer';
import { stat } from 'node:fs/promises';
import { MAX_USER_ID_LENGTH, normalizeUserId } from '@hanoi/core';
import { UsageError } from './exit-codes';
import { readRawLines, type RawLine } from './line-reader';

const CR = 0x0d;
/** The longest line that can hold an id: 512 code points of at most 4 bytes each, then a CR. */
export const MAX_LINE_BYTES = MAX_USER_ID_LENGTH * 4 + 1;

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
 * The lines of an id file, streamed: each line is one id, exactly as
 * written. Only LF ends a line (a CR right before it, or at the end of the
 * file, is part of the line ending); the file is UTF-8, and a byte-order
 * mark at its start is dropped. A line that is not valid UTF-8, holds a
 * CR, is empty or is longer than an id may be is a bad line, never mended.
 * Lines come in groups (those of one read of the file); never holds more
 * than one group, and of a line at most `MAX_LINE_BYTES`.
 *
 * @example
 * for await (const lines of readIdLines('ids.txt')) for (const { line, error } of lines) if (error) console.log(line, error);
 */
export async function* readIdLines(path: string): AsyncGenerator<IdLine[]> {
  for await (const lines of readRawLines(path, MAX_LINE_BYTES)) yield lines.map(idLine);
}

function idLine({ line, content, bytes, length }: RawLine): IdLine {
  if (content === undefined) {
    return { line, error: `${length} bytes, over the ${MAX_USER_ID_LENGTH} characters a user id may have`, bytes };
  }
  const raw = content.at(-1) === CR ? content.subarray(0, -1) : content;
  const byteFault = byteError(raw);
  const text = byteFault === undefined ? raw.toString('utf8') : '';
  const error = byteFault ?? idError(text);
  return error === undefined ? { line, id: text, bytes } : { line, error, bytes };
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
  for await (const lines of readIdLines(path)) {
    for (const entry of lines) {
      bytes += entry.bytes;
      if (entry.id === undefined) onInvalid(entry);
      else ids.push(entry.id);
      if (ids.length >= size) {
        yield { ids, bytes };
        ids = [];
        bytes = 0;
      }
    }
  }
  if (ids.length > 0 || bytes > 0) yield { ids, bytes };
}

/** Why the bytes of a line are not text a user id can be. */
function byteError(bytes: Buffer): string | undefined {
  if (bytes.includes(CR)) return 'a CR inside the line: lines end with LF or CRLF, and a user id holds no CR';
  if (!isUtf8(bytes)) return 'not valid UTF-8: the file is read as UTF-8 and its bytes are never mended';
  return undefined;
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
