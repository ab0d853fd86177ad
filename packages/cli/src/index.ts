export { parseConfig, type CliConfig, type GlobalOptions } from './config';
export { openRedisSession } from './connect';
export { ExitCode, exitCodeFor, QuietExit, UnreachableError, UsageError, type ExitCodeValue } from './exit-codes';
export { explanationText } from './explain-text';
export { RedisRefusedError } from './redis-refusal';
export type { CliIo } from './output';
export { buildProgram, VERSION } from './program';
export { run, type RunOptions } from './run';
export type { OpenSession, Session } from './session';
