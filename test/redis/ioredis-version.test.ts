/**
 * The Redis suites run once on ioredis 5 and once on ioredis 6
 * (HANOI_IOREDIS=6, see jest.config.cjs): this checks that the switch
 * really loads the major it names, so a broken mapping cannot pass silently.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

it('loads the ioredis major the run asks for', () => {
  let dir = dirname(require.resolve('ioredis'));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string };
  expect(manifest.name).toBe('ioredis');
  expect(manifest.version.split('.')[0]).toBe(process.env.HANOI_IOREDIS ?? '5');
});
