import { PassThrough } from 'node:stream';

/**
 * An io for `run` whose stdout and stderr are kept as text.
 *
 * @example
 * const { io, output } = capture(); await run(args, { io, openSession }); output().out;
 */
export function capture() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return {
    io: { stdout, stderr, env: {} },
    output: () => ({ out, err }),
    clear: () => {
      out = '';
      err = '';
    },
  };
}
