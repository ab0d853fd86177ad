import { CommanderError } from 'commander';
import { openRedisSession } from './connect';
import { ExitCode, exitCodeFor, QuietExit, type ExitCodeValue } from './exit-codes';
import type { CliIo } from './output';
import { buildProgram } from './program';
import { redisRefusal, RedisRefusedError } from './redis-refusal';
import type { OpenSession } from './session';

/** Options of `run`: streams and a session opener, for embedding and tests. */
export interface RunOptions {
  io?: Partial<CliIo>;
  /** Opens the rollout; by default connects to Redis as the options say. */
  openSession?: OpenSession;
}

/**
 * Runs one `hanoi` command line and resolves to its exit code (see
 * `ExitCode`); errors are printed on stderr (as JSON under `--json`),
 * never thrown.
 *
 * @example
 * const code = await run(['--redis', 'redis://127.0.0.1:6390', 'check', 'beta', '443301']);
 * process.exitCode = code;
 */
export async function run(argv: readonly string[], options: RunOptions = {}): Promise<ExitCodeValue> {
  const io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, ...options.io };
  const program = buildProgram(io, options.openSession ?? openRedisSession);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.OK;
  } catch (thrown) {
    if (thrown instanceof QuietExit) return thrown.exitCode;
    // Commander has printed its own message (or the help) already.
    if (thrown instanceof CommanderError) return thrown.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    const err = redisRefusal(thrown) ?? thrown;
    const code = exitCodeFor(err);
    const message = err instanceof Error ? err.message : String(err);
    if (program.opts().json === true) {
      const errorCode = (err as { code?: unknown }).code;
      const error = { code: typeof errorCode === 'string' ? errorCode : null, message, exitCode: code };
      const redisCode = err instanceof RedisRefusedError ? { redisCode: err.redisCode } : {};
      io.stderr.write(`${JSON.stringify({ error: { ...error, ...redisCode } })}\n`);
    } else {
      io.stderr.write(`hanoi: ${message}\n`);
      if (code === ExitCode.UNEXPECTED && io.env.HANOI_DEBUG && err instanceof Error) io.stderr.write(`${err.stack}\n`);
    }
    return code;
  }
}
