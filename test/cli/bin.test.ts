/**
 * `hanoi` from a clone: the bin the CLI's package.json names is a file in
 * the repository (not one the build makes later), so the first
 * `pnpm install` links it and `hanoi --help` works at once; before any
 * build, it runs the sources.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../..');
const cli = join(root, 'packages/cli');
const manifest = require(join(cli, 'package.json')) as { version: string; bin: Record<string, string> };

it('names a bin that is committed, so installing links it before anything is built', () => {
  expect(Object.keys(manifest.bin)).toEqual(['hanoi']);
  const tracked = execFileSync('git', ['ls-files', '--error-unmatch', manifest.bin.hanoi!], {
    cwd: cli,
    encoding: 'utf8',
  });
  expect(tracked.trim()).toBe('bin/hanoi.js');
});

it('runs from the workspace root as node_modules/.bin/hanoi (what npx hanoi and pnpm exec hanoi run)', () => {
  const run = spawnSync(join(root, 'node_modules/.bin/hanoi'), ['--help'], { cwd: root, encoding: 'utf8' });
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/^Usage: hanoi /);
});

it('runs the sources when the package has not been built', () => {
  // A copy of packages/cli without dist/, in the repository so that tsx and the workspace config resolve.
  const scratch = join(root, '.tmp', `bin-${process.pid}`);
  const copy = join(scratch, 'packages/cli');
  mkdirSync(copy, { recursive: true });
  try {
    cpSync(join(cli, 'bin'), join(copy, 'bin'), { recursive: true });
    cpSync(join(cli, 'package.json'), join(copy, 'package.json'));
    symlinkSync(join(cli, 'src'), join(copy, 'src'));
    symlinkSync(join(cli, 'node_modules'), join(copy, 'node_modules'));
    writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify({ extends: join(root, 'tsconfig.json') }));
    const run = spawnSync(process.execPath, [join(copy, 'bin/hanoi.js'), '--version'], { cwd: root, encoding: 'utf8' });
    expect({ status: run.status, stdout: run.stdout.trim(), stderr: run.stderr }).toEqual({
      status: 0,
      stdout: manifest.version,
      stderr: '',
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
