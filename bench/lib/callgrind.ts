import { execFile } from 'node:child_process';

/**
 * The instructions callgrind counts in one run of `script` (an ES module,
 * plain JavaScript) by node under `valgrind --tool=callgrind`: all of it,
 * start-up and set-up included, so callers run a case twice with different
 * operation counts and divide the difference. `env` is added to the
 * process's environment; `what` names the run in an error.
 */
export function callgrindCount(script: string, env: Record<string, string>, what: string): Promise<number> {
  const args = ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded'];
  return new Promise((resolve, reject) => {
    execFile(
      'valgrind',
      [...args, '--input-type=module', '--eval', script],
      { env: { ...process.env, ...env }, timeout: 900_000, maxBuffer: 1 << 20 },
      (err, _stdout, stderr) => {
        const found = /Collected : (\d+)/.exec(stderr);
        if (err || !found) reject(new Error(`callgrind ${what} failed: ${err?.message ?? stderr}`));
        else resolve(Number(found[1]));
      },
    );
  });
}
