import { createReadStream } from 'node:fs';

/** One line of a file, as bytes. */
export interface RawLine {
  /** 1-based: the file's own line number (only LF ends a line). */
  line: number;
  /** The line's bytes, without the LF; `undefined` when they passed `maxBytes` (then only counted). */
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
 * Nothing is decoded here: the caller decides what the bytes mean.
 *
 * @example
 * for await (const { line, content } of readRawLines('ids.txt', 2049)) console.log(line, content?.length);
 */
export async function* readRawLines(path: string, maxBytes: number): AsyncGenerator<RawLine> {
  const input = createReadStream(path);
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
    const content = length > maxBytes ? undefined : Buffer.concat(parts, kept);
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
      let start = 0;
      for (let lf = chunk.indexOf(LF, start); lf !== -1; lf = chunk.indexOf(LF, start)) {
        take(chunk.subarray(start, lf));
        yield finish(1);
        start = lf + 1;
      }
      take(chunk.subarray(start));
    }
    if (atStart) take(head); // a file of 1 or 2 bytes that begin like a BOM
    if (length > 0) yield finish(0); // a last line without its LF
  } finally {
    input.destroy();
  }
}
