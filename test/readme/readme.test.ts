import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startRedis, type RedisServer } from '../support/redis-server';
import { readSnippets } from './readme-snippets';

const run = promisify(execFile);
const root = join(__dirname, '../..');
// Inside the repo, so the snippets import the built packages as a user's code would.
const scratch = join(root, '.tmp', `readme-${process.pid}`);
const readmes = [
  'README.md',
  ...['core', 'redis', 'express', 'koa', 'cli', 'openfeature'].map((p) => `packages/${p}/README.md`),
];

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedis();
  mkdirSync(scratch, { recursive: true });
});

afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await redis?.stop();
});

describe.each(
  readmes.filter((path) => {
    try {
      return readSnippets(join(root, path)).length > 0;
    } catch {
      return false;
    }
  }),
)('the examples of %s', (readme) => {
  const snippets = readSnippets(join(root, readme));

  it.each(snippets.map((snippet) => [snippet.line, snippet] as const))(
    'the example at line %i runs and prints what it says',
    async (line, snippet) => {
      const file = join(scratch, `${readme.replace(/[/.]/g, '-')}-${line}.mts`);
      writeFileSync(file, snippet.code);
      const { stdout } = await run(process.execPath, ['--import', 'tsx', file], {
        cwd: root,
        env: { ...process.env, REDIS_URL: redis.url },
        timeout: 30_000,
      });
      const printed = stdout.trimEnd().split('\n').filter(Boolean);
      expect(printed).toEqual(snippet.expected);
    },
  );
});
