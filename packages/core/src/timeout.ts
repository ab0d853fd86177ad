/**
 * Settles with `promise`, or rejects with `onTimeout()` after `ms` (at least
 * 1 ms) unless `promise` settles first. A late rejection of `promise` is
 * swallowed (never an unhandled rejection), and the timer does not keep the
 * process alive on its own. What the stores bound their calls with.
 *
 * @example
 * await withTimeout(client.get(key), 250, () => new BackendUnavailableError('slow'));
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  promise.catch(() => {}); // a late failure after the timeout is nobody's to handle
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), Math.max(ms, 1));
    timer.unref?.();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
