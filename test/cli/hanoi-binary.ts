/**
 * Runs the BUILT `hanoi` binary (packages/cli/dist/cli.js) in a child
 * process, as a user would: build it first with
 * `pnpm --filter @hanoi/cli... build` (the root `pnpm test` does).
 *
 * @example
 * const { code, stdout } = await hanoi(['--redis', redis.url, 'list']);
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The binary under test. */
export const CLI = join(__dirname, '..', '..', 'packages', 'cli', 'dist', 'cli.js');

/** What a run of the binary left behind. */
export interface CliRun {
  /** The exit code; `null` if the run was killed for taking too long. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Options of `hanoi`. */
export interface HanoiOptions {
  /** Variables added to a clean environment (REDIS_URL is never inherited). */
  env?: Record<string, string>;
  /** The run is killed after this long (then `code` is null). Default 60 s. */
  killAfterMs?: number;
  /** Options for node itself, before the script, e.g. `['--max-old-space-size=256']`. */
  nodeArgs?: string[];
}

/**
 * Runs `node dist/cli.js ...args` and resolves once it exits.
 *
 * @example
 * await hanoi(['--redis', url, 'check', 'beta', '44488']);
 */
export function hanoi(args: readonly string[], options: HanoiOptions = {}): Promise<CliRun> {
  if (!existsSync(CLI)) {
    throw new Error(`${CLI} is missing: build it with \`pnpm --filter @hanoi/cli... build\` before these tests.`);
  }
  const { REDIS_URL: _ignored, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], {
      env: { ...inherited, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * A `hanoi` bound to one Redis and one key prefix.
 *
 * @example
 * const cli = connectedHanoi(redis.url, uniquePrefix('cli'));
 * await cli('add', 'beta');
 */
export function connectedHanoi(url: string, prefix: string) {
  return (...args: string[]): Promise<CliRun> => hanoi(['--redis', url, '--prefix', prefix, ...args]);
}

/**
 * Parses stdout as JSON, saying what the run printed when it does not parse.
 *
 * @example
 * const features = json<unknown[]>(await cli('--json', 'list'));
 */
export function json<T>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}
