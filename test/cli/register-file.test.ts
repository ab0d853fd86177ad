import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { prefixKeys } from '@hanoi/redis';
import { startRedis, uniquePrefix, type RedisServer } from '../support/redis-server';
import { CLI, connectedHanoi, hanoi, json, type CliRun } from './hanoi-binary';

jest.setTimeout(180_000);

// `hanoi register|unregister --file`: streamed in batches, checked whole
// first (a bad line means nothing is written) unless --skip-invalid.
// The stored user sets are read straight from Redis (SMEMBERS), not through the CLI.

let redis: RedisServer;
let client: Redis;
let dir: string;
let prefix: string;
let cli: (...args: string[]) => Promise<CliRun>;

beforeAll(async () => {
  redis = await startRedis({ persist: false });
  client = new Redis(redis.url);
  dir = mkdtempSync(join(tmpdir(), 'hanoi-cli-'));
});

afterAll(async () => {
  await client.quit();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  prefix = uniquePrefix('cli-file');
  cli = connectedHanoi(redis.url, prefix);
});

const storedUsers = async (name: string) => (await client.smembers(prefixKeys(prefix).feature('u', name))).sort();

function file(name: string, lines: string[], ending = '\n'): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join(ending) + ending);
  return path;
}

/** A file written byte for byte: strings as UTF-8, Buffers as they are. */
function rawFile(name: string, parts: (string | Buffer)[]): string {
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part))));
  return path;
}

test('a file of 25,000 ids goes in, in batches, quietly when stderr is not a terminal', async () => {
  const ids = Array.from({ length: 25_000 }, (_, i) => `user-${i}`);
  const path = file('many.txt', ids);
  expect((await cli('add', 'beta')).code).toBe(0);
  const run = await cli('register', 'beta', '--file', path, '--batch', '700');
  expect(run).toEqual({ code: 0, stdout: 'beta: registered 25000 users\n', stderr: '' });
  expect(await storedUsers('beta')).toEqual([...ids].sort());

  const first = file('first.txt', ids.slice(0, 10_000), '\r\n'); // CRLF line ends are not part of the ids
  const back = json<{ unregister: { users: number } }>(await cli('--json', 'unregister', 'beta', '--file', first));
  expect(back.unregister.users).toBe(10_000);
  expect(await storedUsers('beta')).toEqual(ids.slice(10_000).sort());
});

test('a bad line: by default nothing goes in, and every bad line is named', async () => {
  const long = 'x'.repeat(513);
  const path = file('bad.txt', ['u1', 'u2', '', 'u4', long, 'u6']);
  expect((await cli('add', 'beta')).code).toBe(0);
  expect((await cli('register', 'beta', 'already')).code).toBe(0);
  const run = await cli('register', 'beta', '--file', path);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(`${path}:3: an empty line is not a user id`);
  expect(run.stderr).toContain(`${path}:5: 513 characters, over the 512 a user id may have`);
  expect(run.stderr).toContain('Nothing was registered');
  expect(await storedUsers('beta')).toEqual(['already']);

  // Typed ids and patterns given with the file are not written either.
  expect((await cli('register', 'beta', 'typed', '--pattern', 'p', '--file', path)).code).toBe(2);
  expect(await storedUsers('beta')).toEqual(['already']);
  expect(await client.smembers(prefixKeys(prefix).feature('p', 'beta'))).toEqual([]);
});

test('a bad line with --skip-invalid: the rest goes in, the bad lines are reported', async () => {
  const path = file('bad.txt', ['u1', 'u2', '', 'u4', 'x'.repeat(600), 'u6']);
  expect((await cli('add', 'beta')).code).toBe(0);
  const run = await cli('register', 'beta', '--file', path, '--skip-invalid');
  expect(run.code).toBe(0);
  expect(run.stdout).toBe('beta: registered 4 users; skipped 2 bad line(s)\n');
  expect(run.stderr).toContain(`${path}:3: an empty line is not a user id`);
  expect(run.stderr).toContain(`${path}:5: 600 characters`);
  expect(await storedUsers('beta')).toEqual(['u1', 'u2', 'u4', 'u6']);

  const report = json<Record<string, unknown>>(
    await cli('--json', 'unregister', 'beta', '--file', path, '--skip-invalid'),
  );
  expect(report).toMatchObject({ feature: 'beta', unregister: { users: 4, patterns: [] }, skipped: 2 });
  expect(report.invalid).toEqual([
    { line: 3, reason: 'an empty line is not a user id' },
    { line: 5, reason: '600 characters, over the 512 a user id may have' },
  ]);
  expect(await storedUsers('beta')).toEqual([]);
});

test('ids are read as written: commas, pipes and spaces belong to one id', async () => {
  const path = file('odd.txt', ['a,b', 'c|d', ' e ', 'ünï', '👍'.repeat(512)]);
  expect((await cli('add', 'beta')).code).toBe(0);
  expect((await cli('register', 'beta', '--file', path)).code).toBe(0);
  expect(await storedUsers('beta')).toEqual([' e ', 'a,b', 'c|d', 'ünï', '👍'.repeat(512)].sort());
});

describe('the bytes of the file are read as UTF-8 lines, never mended', () => {
  // Byte sequences that no UTF-8 decoder may accept: a stray continuation
  // byte, a lead byte without its continuation, an overlong '/', an encoded
  // surrogate half, a code point past U+10FFFF, and a lone 0xFF.
  const notUtf8 = [
    Buffer.from([0x61, 0x80, 0x62]),
    Buffer.from([0x61, 0xc3]),
    Buffer.from([0xc0, 0xaf]),
    Buffer.from([0xed, 0xa0, 0x80]),
    Buffer.from([0xf4, 0x90, 0x80, 0x80]),
    Buffer.from([0x75, 0xff, 0x31]),
  ];

  test('a line that is not valid UTF-8 is a bad line, never an id with U+FFFD in it', async () => {
    const path = rawFile('latin1.txt', ['u1\n', ...notUtf8.flatMap((bytes) => [bytes, '\n']), 'u8\n']);
    expect((await cli('add', 'beta')).code).toBe(0);
    const run = await cli('register', 'beta', '--file', path);
    expect(run.code).toBe(2);
    for (let line = 2; line <= 7; line++) expect(run.stderr).toContain(`${path}:${line}: not valid UTF-8`);
    expect(await storedUsers('beta')).toEqual([]);

    const skipped = json<{ register: { users: number }; skipped: number; invalid: { line: number }[] }>(
      await cli('--json', 'register', 'beta', '--file', path, '--skip-invalid'),
    );
    expect(skipped).toMatchObject({ register: { users: 2 }, skipped: 6 });
    expect(skipped.invalid.map(({ line }) => line)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(await storedUsers('beta')).toEqual(['u1', 'u8']);
  });

  test('a byte-order mark at the start is dropped; CRLF is one line break', async () => {
    const longest = '👍'.repeat(512); // 2,048 bytes, then the CR
    const path = rawFile('windows.txt', [Buffer.from([0xef, 0xbb, 0xbf]), `u1\r\nu2\r\n${longest}\r\nu4`]);
    expect((await cli('add', 'beta')).code).toBe(0);
    const run = await cli('register', 'beta', '--file', path);
    expect(run).toEqual({ code: 0, stdout: 'beta: registered 4 users\n', stderr: '' });
    expect(await storedUsers('beta')).toEqual(['u1', 'u2', 'u4', longest].sort());
  });

  test("a CR inside a line is a bad line, not a line break; line numbers count the file's own lines", async () => {
    // Split at each CR, line 2 would be two ids and line 3 (empty) would be called line 4.
    const path = rawFile('cr.txt', ['u1\nx\ry\n\nu4\r\r\nu5\n']);
    expect((await cli('add', 'beta')).code).toBe(0);
    const run = await cli('register', 'beta', '--file', path);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${path}:2: a CR inside the line`);
    expect(run.stderr).toContain(`${path}:3: an empty line is not a user id`);
    expect(run.stderr).toContain(`${path}:4: a CR inside the line`);
    expect(run.stderr).not.toContain(`${path}:5:`);
    expect(run.stderr).not.toContain(`${path}:6:`);
    expect(await storedUsers('beta')).toEqual([]);

    const skipped = json<{ register: { users: number }; invalid: { line: number }[] }>(
      await cli('--json', 'register', 'beta', '--file', path, '--skip-invalid'),
    );
    expect(skipped.register.users).toBe(2);
    expect(skipped.invalid.map(({ line }) => line)).toEqual([2, 3, 4]);
    expect(await storedUsers('beta')).toEqual(['u1', 'u5']);

    // Old Mac line ends (CR only) make one line, and it is a bad one.
    const mac = rawFile('mac.txt', ['m1\rm2\rm3\r']);
    const macRun = await cli('register', 'beta', '--file', mac);
    expect(macRun.code).toBe(2);
    expect(macRun.stderr).toContain(`${mac}:1: a CR inside the line`);
    expect(await storedUsers('beta')).toEqual(['u1', 'u5']);
  });

  test('a 50 MB line is refused with a 256 MB heap: exit 2, and --skip-invalid skips it', async () => {
    const size = 50 * 1024 * 1024;
    const path = rawFile('huge.txt', ['u1\n', Buffer.alloc(size, 0x78), '\nu3\n']);
    expect((await cli('add', 'beta')).code).toBe(0);
    const small = { nodeArgs: ['--max-old-space-size=256'] };
    const args = ['--redis', redis.url, '--prefix', prefix, 'register', 'beta', '--file', path];
    const run = await hanoi(args, small);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${path}:2: ${size} bytes, over the 512 characters a user id may have`);
    expect(await storedUsers('beta')).toEqual([]);

    const skipped = await hanoi([...args, '--skip-invalid'], small);
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toBe('beta: registered 2 users; skipped 1 bad line(s)\n');
    expect(await storedUsers('beta')).toEqual(['u1', 'u3']);
  });
});

test("a bulk write that Redis refuses (out of memory) reports Redis's own error, with a code", async () => {
  if (redis.external) return; // REDIS_URL names an outside Redis: its maxmemory is not this test's to set
  const tight = await startRedis({ persist: false, args: ['--maxmemory-policy', 'noeviction'] });
  const admin = new Redis(tight.url);
  try {
    const on = (...args: string[]) => hanoi(['--redis', tight.url, '--prefix', prefix, ...args]);
    expect((await on('add', 'beta')).code).toBe(0);
    // Room for a few thousand ids more, not for 200,000.
    const used = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))![1]);
    await admin.config('SET', 'maxmemory', String(used + 512 * 1024));
    const path = file(
      'oom.txt',
      Array.from({ length: 200_000 }, (_, i) => `oom-user-${i}`),
    );
    // Calls of 20,000 ids: the first goes in part way, then Redis refuses the rest.
    for (const batch of ['20000', '1000']) {
      const run = await on('--json', 'register', 'beta', '--file', path, '--batch', batch);
      expect({ batch, code: run.code }).toEqual({ batch, code: 1 });
      const { error } = JSON.parse(run.stderr) as { error: { code: string; redisCode: string; message: string } };
      expect(error).toMatchObject({ code: 'HANOI_REDIS_ERROR', redisCode: 'OOM' });
      expect(error.message).toContain("Redis refused it: OOM command not allowed when used memory > 'maxmemory'");
      expect(error.message).not.toContain('no answer came in time');
    }
    const plain = await on('register', 'beta', '--file', path, '--batch', '20000');
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/^hanoi: .*Redis refused it: OOM command not allowed/);
  } finally {
    await admin.quit();
    await tight.stop();
  }
});

test('a missing file, an empty file or an unknown feature changes nothing', async () => {
  expect((await cli('add', 'beta')).code).toBe(0);
  const missing = await cli('register', 'beta', '--file', join(dir, 'nope.txt'));
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain('Cannot read');
  const empty = join(dir, 'empty.txt');
  writeFileSync(empty, '');
  expect((await cli('register', 'beta', '--file', empty)).code).toBe(2);
  const ids = file('ok.txt', ['u1']);
  expect((await cli('register', 'ghost', '--file', ids)).code).toBe(3);
  expect(await storedUsers('beta')).toEqual([]);
  expect(await storedUsers('ghost')).toEqual([]);
});

test('on a terminal, a progress bar is drawn on stderr', () => {
  // `script` gives the binary a pseudo-terminal, as a person's shell would.
  const hasScript = (() => {
    try {
      execFileSync('script', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  if (!hasScript) return; // util-linux's script is not installed here: nothing to drive a terminal with
  const ids = file(
    'bar.txt',
    Array.from({ length: 5000 }, (_, i) => `bar-${i}`),
  );
  const base = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} --redis ${redis.url} --prefix ${prefix}`;
  execFileSync('script', ['-qec', `${base} add beta`, '/dev/null'], { stdio: 'ignore' });
  const screen = execFileSync('script', ['-qec', `${base} register beta --file ${JSON.stringify(ids)}`, '/dev/null'], {
    encoding: 'utf8',
  });
  expect(screen).toMatch(/checking \[/);
  expect(screen).toMatch(/registering \[/);
  expect(screen).toContain('beta: registered 5000 users');
  const quiet = execFileSync(
    'script',
    ['-qec', `${base} --no-progress unregister beta --file ${JSON.stringify(ids)}`, '/dev/null'],
    {
      encoding: 'utf8',
    },
  );
  expect(quiet).not.toMatch(/\[[=-]+\]/);
});
