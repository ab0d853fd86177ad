#!/usr/bin/env node
// The `hanoi` command. It is committed rather than built so that it exists
// when a package manager links bins: in a clone, `pnpm install` runs before
// any build. It runs the build (dist/cli.js); in a clone where the packages
// have not been built yet, it runs the sources with tsx instead, which the
// workspace's tsconfig maps @hanoi/* to.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/cli.js', import.meta.url);
const source = new URL('../src/cli.ts', import.meta.url);
const workspaceTsconfig = fileURLToPath(new URL('../../../tsconfig.json', import.meta.url));

if (existsSync(built)) {
  await import(built.href);
} else if (existsSync(source) && existsSync(workspaceTsconfig)) {
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: workspaceTsconfig });
  await import(source.href);
} else {
  console.error(`hanoi: ${fileURLToPath(built)} is missing; build the package first (pnpm build).`);
  process.exitCode = 1;
}
