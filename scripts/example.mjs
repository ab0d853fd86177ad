#!/usr/bin/env node
/**
 * `npm run example [-- koa]`: installs the workspace with the pinned pnpm
 * when needed, then serves examples/express (or examples/koa) from source
 * under tsx: nothing is built. Ctrl-C reaches the example, which closes and
 * exits 0; this script then exits with the example's code and prints nothing
 * of its own.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { pnpm, root } from './pnpm.mjs';

const name = process.argv[2] ?? 'express';
const dir = join(root, 'examples', name);
if (!existsSync(join(dir, 'main.ts'))) {
  console.error(`No example called ${JSON.stringify(name)}: try express or koa.`);
  process.exit(2);
}

// `pnpm install` rewrites node_modules/.modules.yaml; skip it when the lockfile is no newer than that.
const installed = join(root, 'node_modules/.modules.yaml');
const lock = join(root, 'pnpm-lock.yaml');
const fresh = existsSync(installed) && statTime(installed) >= statTime(lock);
if (!fresh) {
  const code = await pnpm(['install', '--frozen-lockfile', '--prefer-offline']);
  if (code !== 0) process.exit(code);
}

const child = spawn(process.execPath, ['--import', 'tsx', 'main.ts'], { cwd: dir, stdio: 'inherit' });
// Ctrl-C goes to the whole terminal group, the example included; a signal sent to this process alone is passed on.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));

function statTime(path) {
  return Math.floor(statSync(path).mtimeMs);
}
