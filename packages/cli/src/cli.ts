#!/usr/bin/env node
import { run } from './run';

// The exit code is set, not forced: stdout drains first. The session quits
// its Redis client, so nothing should keep the process alive; should
// something still do so, the unref'd timer ends it rather than hanging.
run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 2000).unref();
});
