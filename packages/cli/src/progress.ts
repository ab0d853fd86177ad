import { SingleBar } from 'cli-progress';

/** A progress bar, or nothing: the same calls either way. */
export interface Progress {
  /** Moves the bar forward by `bytes`; `ids` is the running count shown beside it. */
  advance(bytes: number, ids: number): void;
  /** Removes the bar from the terminal. */
  stop(): void;
}

const NO_PROGRESS: Progress = { advance: () => undefined, stop: () => undefined };

/**
 * A bar on `stream` (stderr) over `total` bytes of a file, drawn only when
 * `show` is true (the CLI passes "stderr is a terminal and --no-progress
 * was not given"); otherwise nothing is written at all.
 *
 * @example
 * const bar = startProgress(process.stderr, process.stderr.isTTY, 'registering', fileSize);
 * bar.advance(batch.bytes, sent);
 * bar.stop();
 */
export function startProgress(stream: NodeJS.WritableStream, show: boolean, label: string, total: number): Progress {
  if (!show) return NO_PROGRESS;
  const bar = new SingleBar({
    stream,
    format: `${label} [{bar}] {percentage}% | {ids} ids | {eta_formatted} left`,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 50,
  });
  bar.start(Math.max(total, 1), 0, { ids: 0 });
  let done = 0;
  return {
    advance(bytes, ids) {
      done = Math.min(done + bytes, Math.max(total, 1));
      bar.update(done, { ids });
    },
    stop: () => bar.stop(),
  };
}
