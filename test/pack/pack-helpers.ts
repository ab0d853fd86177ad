/**
 * Helpers for the pack test: find the workspace's publishable packages,
 * build and pack them, and run npm and node in a throwaway project as a user
 * would (with none of the workspace's npm_* environment leaking in).
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of a package.json the test reads. */
export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  main?: string;
  module?: string;
  types?: string;
  bin?: string | Record<string, string>;
  exports?: unknown;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** A package under packages/. */
export interface WorkspacePackage {
  dir: string;
  manifest: Manifest;
}

/** Every non-private package under `<root>/packages`, in directory order. */
export function workspacePackages(root: string): WorkspacePackage[] {
  const base = join(root, 'packages');
  return readdirSync(base, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(base, entry.name, 'package.json')))
    .map((entry) => {
      const dir = join(base, entry.name);
      return { dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest };
    })
    .filter((pkg) => !pkg.manifest.private);
}

/** One file the exports map points at, with the conditions that lead to it. */
export interface ExportTarget {
  subpath: string;
  conditions: string[];
  file: string;
}

/** Every file the `exports` map names (`./package.json` aside), with its conditions. */
export function exportTargets(manifest: Manifest): ExportTarget[] {
  const targets: ExportTarget[] = [];
  const walk = (subpath: string, node: unknown, conditions: string[]) => {
    if (typeof node === 'string') targets.push({ subpath, conditions, file: node });
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) walk(subpath, value, [...conditions, key]);
    }
  };
  const map = manifest.exports;
  if (typeof map === 'string') walk('.', map, []);
  else if (map && typeof map === 'object') {
    for (const [key, value] of Object.entries(map)) {
      if (key === './package.json') continue;
      if (key.startsWith('.')) walk(key, value, []);
      else walk('.', { [key]: value }, []);
    }
  }
  return targets;
}

/** The files `main`, `module`, `types` and `bin` name. */
export function manifestFiles(manifest: Manifest): string[] {
  const bins = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
  return [manifest.main, manifest.module, manifest.types, ...bins].filter(
    (file): file is string => typeof file === 'string',
  );
}

/** The environment for child processes: this one without the npm_* settings a pnpm script run adds. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_(config|package|lifecycle)_/i.test(key) && key !== 'NODE_OPTIONS') env[key] = value;
  }
  return { ...env, COREPACK_INTEGRITY_KEYS: '0', NO_UPDATE_NOTIFIER: '1' };
}

/** Runs a command to completion; throws with its output when it fails. */
function spawnChecked(command: string, args: readonly string[], options: SpawnSyncOptions & { cwd: string }) {
  const result = spawnSync(command, args, { env: cleanEnv(), encoding: 'utf8', timeout: 300_000, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} (in ${options.cwd}) exited with ${result.status ?? result.signal}:\n${String(result.stdout)}\n${String(result.stderr)}`,
    );
  }
  return { stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Runs a command to completion and returns its stdout; throws with its output when it fails. */
export function run(command: string, args: readonly string[], options: SpawnSyncOptions & { cwd: string }): string {
  return spawnChecked(command, args, options).stdout;
}

/** Like `run`, but returns what the command printed on stdout and stderr together. */
export function runAll(command: string, args: readonly string[], options: SpawnSyncOptions & { cwd: string }): string {
  const { stdout, stderr } = spawnChecked(command, args, options);
  return `${stdout}${stderr}`;
}

/** Builds a package with its own build script when a file its manifest names is missing. */
export function ensureBuilt(pkg: WorkspacePackage): void {
  const files = [...exportTargets(pkg.manifest).map((t) => t.file), ...manifestFiles(pkg.manifest)];
  if (files.every((file) => existsSync(join(pkg.dir, file)))) return;
  run('pnpm', ['run', 'build'], { cwd: pkg.dir });
}

/** What `pnpm pack --json` reports. */
export interface Packed {
  filename: string;
  files: string[];
}

/** Packs a package as `pnpm publish` would (workspace: ranges rewritten) into `destination`. */
export function pack(pkg: WorkspacePackage, destination: string): Packed {
  const out = run('pnpm', ['pack', '--json', '--pack-destination', destination], { cwd: pkg.dir });
  const json = JSON.parse(out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1)) as {
    filename: string;
    files: { path: string }[];
  };
  return { filename: json.filename, files: json.files.map((f) => f.path) };
}

/** Runs a script with node in `cwd` and parses the JSON it prints. */
export function nodeJson<T>(cwd: string, args: readonly string[]): T {
  const out = run(process.execPath, args, { cwd, timeout: 60_000 });
  return JSON.parse(out) as T;
}
