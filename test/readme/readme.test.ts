import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startPostgres, type PostgresServer } from '../support/postgres-server';
import { startRedis, type RedisServer } from '../support/redis-server';
import { readSnippets, type Snippet } from './readme-snippets';

const run = promisify(execFile);
const root = join(__dirname, '../..');
// Inside the repo, so the snippets import the built packages as a user's code would.
const scratch = join(root, '.tmp', `readme-${process.pid}`);
const readmes = [
  'README.md',
  ...['core', 'redis', 'postgres', 'express', 'koa', 'cli', 'admin', 'openfeature'].map(
    (p) => `packages/${p}/README.md`,
  ),
];

let redis: RedisServer;
let postgres: PostgresServer;

const documented = readmes.filter((path) => {
  try {
    return readSnippets(join(root, path)).length > 0;
  } catch {
    return false;
  }
});
const fileName = (readme: string, snippet: Snippet) => `${readme.replace(/[/.]/g, '-')}-${snippet.line}.mts`;

beforeAll(async () => {
  redis = await startRedis();
  postgres = await startPostgres();
  mkdirSync(scratch, { recursive: true });
});

afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await redis?.stop();
  await postgres?.stop();
});

describe.each(documented)('the examples of %s', (readme) => {
  const snippets = readSnippets(join(root, readme)).filter((snippet) => snippet.runs);

  it.each(snippets.map((snippet) => [snippet.line, snippet] as const))(
    'the example at line %i runs and prints what it says',
    async (line, snippet) => {
      const file = join(scratch, fileName(readme, snippet));
      writeFileSync(file, snippet.code);
      const { stdout } = await run(process.execPath, ['--import', 'tsx', file], {
        cwd: root,
        env: { ...process.env, REDIS_URL: redis.url, DATABASE_URL: postgres.url },
        timeout: 30_000,
      });
      const printed = stdout.trimEnd().split('\n').filter(Boolean);
      expect(printed).toEqual(snippet.expected);
    },
  );
});

/**
 * Type-checking, under the repo's own strict tsconfig (tsconfig.json, its
 * paths leading to the packages' sources): every example that runs in one
 * program, and each block that only declares types (a `declare module`
 * augmentation, which would change the others) in a program of its own.
 */
describe('the examples, type-checked', () => {
  const all = documented.flatMap((readme) =>
    readSnippets(join(root, readme)).map((snippet) => ({ readme, snippet, file: fileName(readme, snippet) })),
  );
  const programs = [all.filter((s) => s.snippet.runs), ...all.filter((s) => !s.snippet.runs).map((s) => [s])];
  const errors = new Map<string, string[]>();

  async function check(program: typeof all, i: number): Promise<void> {
    const dir = join(scratch, `types-${i}`);
    mkdirSync(dir, { recursive: true });
    for (const { snippet, file } of program) writeFileSync(join(dir, file), snippet.code);
    const config = {
      extends: '../../../tsconfig.json',
      compilerOptions: { noEmit: true, types: ['node'] },
      include: [],
      files: program.map((s) => s.file),
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config));
    const tsc = require.resolve('typescript/bin/tsc');
    const output = await run(process.execPath, [tsc, '-p', dir, '--pretty', 'false'], { timeout: 120_000 }).then(
      (done) => done.stdout,
      (failed: { stdout?: string; message: string }) => failed.stdout || failed.message,
    );
    for (const match of output.matchAll(/^(?:.*[\\/])?([^\\/(]+\.mts)\((\d+),\d+\): error (TS\d+: .*)$/gm)) {
      const [, file, line, message] = match;
      const at = all.find((s) => s.file === file)!;
      errors.set(file!, [...(errors.get(file!) ?? []), `${at.readme}:${at.snippet.line + Number(line)}: ${message}`]);
    }
    if (!/error TS/.test(output) && output.trim() !== '') errors.set(`program ${i}`, [output]);
  }

  beforeAll(async () => {
    // Two tsc processes at a time: the machines have two cores.
    const queue = programs.map((program, i) => [program, i] as const);
    const lane = async (): Promise<void> => {
      for (let next = queue.shift(); next; next = queue.shift()) await check(...next);
    };
    await Promise.all([lane(), lane()]);
  }, 240_000);

  it('finds examples to check', () => {
    expect(all.length).toBeGreaterThan(10);
    expect([...errors.keys()].filter((key) => key.startsWith('program '))).toEqual([]);
  });

  it.each(all.map((s) => [s.readme, s.snippet.line, s.file] as const))(
    '%s, the example at line %i, type-checks',
    (_readme, _line, file) => {
      expect(errors.get(file) ?? []).toEqual([]);
    },
  );
});
