import { spawn } from 'node:child_process';
import path from 'node:path';

/** What a child process left behind. */
export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** True when the child ran past its bound and was killed. */
  timedOut: boolean;
}

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Runs a TypeScript file in a separate Node process (through tsx, which maps
 * `@hanoi/*` to the sources as the root tsconfig does), with one JSON
 * argument, and kills it with SIGKILL if it runs past `timeoutMs`.
 *
 * @example
 * const { stdout } = await runTsChild('test/hostile/redos-child.ts', { kind: 'memory' }, 20_000);
 */
export function runTsChild(file: string, argument: unknown, timeoutMs: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, file), JSON.stringify(argument)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}
