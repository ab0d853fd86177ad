#!/usr/bin/env node
import { run } from './run';

// `hanoi export | head`: the reader left; that is the end of the output, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

// Should the loop ever run dry before the command settles, that is a fault, not success.
process.exitCode = 1;

// The exit code is set, not forced: stdout drains first. The session quits
// its Redis client, so nothing should keep the process alive; should
// something still do so, the unref'd timer ends it rather than hanging.
void run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 2000).unref();
});
