import { createReadStream } from 'node:fs';

/** One line of a file, as bytes. */
export interface RawLine {
  /** 1-based: the file's own line number (only LF ends a line). */
  line: number;
  /**
   * The line's bytes, without the LF; `undefined` when they passed `maxBytes` (then only counted).
   * Often a view of the read it came in (no copy): copy it to keep it long.
   */
  content?: Buffer;
  /** How many bytes the line took in the file, its LF included: for progress. */
  bytes: number;
  /** The line's length in bytes, without the LF. */
  length: number;
}

const LF = 0x0a;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * The lines of a file as bytes, streamed: only LF ends a line, and a UTF-8
 * byte-order mark at the very start is dropped. A line is held in memory
 * only up to `maxBytes`; past that it is counted to its end and handed on
 * without content, so one huge line costs no more than a short one.
 * Nothing is decoded here: the caller decides what the bytes mean. The
 * lines come in groups, those that ended in one read of the file (about
 * 64 KB, `readSize`), so that a million short lines are not a million awaits.
 *
 * @example
 * for await (const lines of readRawLines('ids.txt', 2049)) for (const { line, content } of lines) console.log(line, content);
 */
export async function* readRawLines(path: string, maxBytes: number, readSize = 64 * 1024): AsyncGenerator<RawLine[]> {
  const input = createReadStream(path, { highWaterMark: readSize });
  let line = 0;
  let parts: Buffer[] = [];
  let kept = 0; // bytes held in parts; parts is emptied once the line passes maxBytes
  let length = 0;
  let atStart = true;
  let head = Buffer.alloc(0); // the first bytes, until the BOM is ruled out (a chunk may hold fewer than 3)
  const take = (piece: Buffer) => {
    length += piece.length;
    if (length > maxBytes) {
      parts = [];
      kept = 0;
    } else if (piece.length > 0) {
      parts.push(piece);
      kept += piece.length;
    }
  };
  const finish = (terminator: number): RawLine => {
    line++;
    const content = length > maxBytes ? undefined : parts.length === 1 ? parts[0]! : Buffer.concat(parts, kept);
    const entry: RawLine = { line, bytes: length + terminator, length };
    if (content) entry.content = content;
    parts = [];
    kept = 0;
    length = 0;
    return entry;
  };
  try {
    for await (const read of input as AsyncIterable<Buffer>) {
      let chunk = read;
      if (atStart) {
        head = Buffer.concat([head, chunk]);
        if (head.length < BOM.length && BOM.subarray(0, head.length).equals(head)) continue;
        atStart = false;
        chunk = head.subarray(0, BOM.length).equals(BOM) ? head.subarray(BOM.length) : head;
      }
      const lines: RawLine[] = [];
      let start = 0;
      for (let lf = chunk.indexOf(LF, start); lf !== -1; lf = chunk.indexOf(LF, start)) {
        take(chunk.subarray(start, lf));
        lines.push(finish(1));
        start = lf + 1;
      }
      take(chunk.subarray(start));
      if (lines.length > 0) yield lines;
    }
    if (atStart) take(head); // a file of 1 or 2 bytes that begin like a BOM
    if (length > 0) yield [finish(0)]; // a last line without its LF
  } finally {
    input.destroy();
  }
}
