#!/usr/bin/env node
/**
 * Runs the pnpm this repo pins (package.json "packageManager"), so that
 * `npm test` and `npm run example` work on a machine with Node and npm only:
 * a pnpm of that version on the PATH is used as is; otherwise npx fetches it
 * (once; npm caches it). corepack is not needed.
 *
 *   node scripts/pnpm.mjs install --frozen-lockfile
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manager = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager;
/** The pinned version, e.g. 10.34.9. */
export const version = /^pnpm@(\d+\.\d+\.\d+)/.exec(manager)?.[1];
if (!version) throw new Error(`package.json: packageManager should be pnpm@x.y.z, not ${manager}`);

// Windows names the shims pnpm.cmd / npx.cmd.
const exe = (name) => (process.platform === 'win32' ? `${name}.cmd` : name);

/** The command and leading arguments that run the pinned pnpm. */
export function pnpmCommand() {
  const found = spawnSync(exe('pnpm'), ['--version'], { encoding: 'utf8', shell: process.platform === 'win32' });
  if (found.status === 0 && found.stdout.trim() === version) return [exe('pnpm')];
  return [exe('npx'), '--yes', `pnpm@${version}`];
}

/** Runs pnpm with `args`; resolves with its exit code. */
export function pnpm(args, options = {}) {
  const [command, ...lead] = pnpmCommand();
  const child = spawn(command, [...lead, ...args], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
    // npx fetches the pinned pnpm without asking, and pnpm itself does not look for a newer one.
    env: { ...process.env, COREPACK_ENABLE_STRICT: '0', npm_config_update_notifier: 'false' },
    ...options,
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 1)));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await pnpm(process.argv.slice(2));
}
