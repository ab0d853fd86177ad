import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRawLines } from '../../packages/cli/src/line-reader';

// The byte splitter under `register --file`, read with every small read
// size, so that LFs, CRLFs, a BOM and long lines fall across reads in every
// way; the expected lines come from splitting the whole file at once.

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hanoi-lines-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The lines as a reader of the whole file sees them: split at LF, a leading BOM dropped, no line after a last LF. */
function expectedLines(bytes: Buffer, maxBytes: number) {
  const body = bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])) ? bytes.subarray(3) : bytes;
  const text = body.toString('latin1'); // one char per byte: splitting it splits the bytes
  const pieces = text.split('\n');
  const endsWithLf = text.endsWith('\n');
  if (endsWithLf || text === '') pieces.pop();
  return pieces.map((piece, i) => ({
    line: i + 1,
    length: piece.length,
    bytes: piece.length + (i < pieces.length - 1 || endsWithLf ? 1 : 0),
    content: piece.length > maxBytes ? undefined : piece,
  }));
}

async function readAll(path: string, maxBytes: number, readSize: number) {
  const lines = [];
  for await (const group of readRawLines(path, maxBytes, readSize)) {
    for (const { line, length, bytes, content } of group) {
      lines.push({ line, length, bytes, content: content?.toString('latin1') });
    }
  }
  return lines;
}

const files: [string, Buffer][] = [
  ['empty', Buffer.alloc(0)],
  ['one line, no LF', Buffer.from('u1')],
  ['LF only', Buffer.from('\n')],
  ['BOM only', Buffer.from([0xef, 0xbb, 0xbf])],
  ['half a BOM', Buffer.from([0xef, 0xbb])],
  ['BOM, CRLF', Buffer.from('\ufeffu1\r\nu2\r\n\r\nu4')],
  ['BOM later', Buffer.from('u1\n\ufeffu2\n')],
  ['lone CRs', Buffer.from('a\rb\n\r\n\rc\r')],
  ['long and short', Buffer.concat([Buffer.from('x'.repeat(40)), Buffer.from('\nab\n'), Buffer.from('y'.repeat(17))])],
  ['not UTF-8', Buffer.from([0x61, 0xff, 0x0a, 0xc3, 0x0a, 0xed, 0xa0, 0x80])],
];

test.each(files)('%s: the same lines at every read size', async (label, bytes) => {
  const path = join(dir, `${label.replace(/\W+/g, '-')}.txt`);
  writeFileSync(path, bytes);
  for (const maxBytes of [3, 16, 2049]) {
    const expected = expectedLines(bytes, maxBytes);
    for (const readSize of [1, 2, 3, 4, 5, 7, 64 * 1024]) {
      expect({ maxBytes, readSize, lines: await readAll(path, maxBytes, readSize) }).toEqual({
        maxBytes,
        readSize,
        lines: expected,
      });
    }
  }
});
