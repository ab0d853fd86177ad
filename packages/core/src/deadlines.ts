/** A pending deadline: `expire` runs once `at` (Date.now() ms) has passed, unless `settled` first. */
interface Entry {
  readonly at: number;
  readonly expire: () => void;
}

/**
 * Deadlines of calls in flight, kept under one timer: each call adds its
 * deadline to a set and deletes it when it settles, and a single unref'd
 * timer, armed for the earliest deadline that may still be pending, expires
 * those whose time has come. A call costs a set insertion and deletion
 * instead of a timer created and cleared (what dominates a deadline on a
 * call that takes tens of microseconds). An expiry runs no earlier than its
 * deadline, and within a timer tick after it.
 *
 * @example
 * const cancel = deadlines.add(250, () => reject(new Error('slow')));
 * promise.then(cancel, cancel);
 */
export class Deadlines {
  private readonly pending = new Set<Entry>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the armed timer fires (Date.now() ms). */
  private armedAt = Infinity;

  /** How many deadlines are pending. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Runs `expire` once `ms` have passed, unless the returned function is
   * called first (it may be called any number of times).
   *
   * @example
   * const cancel = deadlines.add(1000, () => console.log('late'));
   * cancel();
   */
  add(ms: number, expire: () => void): () => void {
    const entry: Entry = { at: Date.now() + Math.max(ms, 0), expire };
    this.pending.add(entry);
    if (entry.at < this.armedAt) this.arm(entry.at);
    return () => void this.pending.delete(entry);
  }

  private arm(at: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.armedAt = at;
    this.timer = setTimeout(() => this.fire(), Math.max(at - Date.now(), 0));
    this.timer.unref?.();
  }

  private fire(): void {
    this.timer = undefined;
    this.armedAt = Infinity;
    const now = Date.now();
    const due: Entry[] = [];
    let next = Infinity;
    for (const entry of this.pending) {
      if (entry.at <= now) due.push(entry);
      else if (entry.at < next) next = entry.at;
    }
    for (const entry of due) this.pending.delete(entry);
    if (next !== Infinity) this.arm(next);
    for (const entry of due) entry.expire();
  }
}

/** The process's shared deadlines (store calls, lookups). */
export const deadlines = new Deadlines();

/**
 * Settles like `promise`, or rejects with `onTimeout()` after `ms` if it has
 * not settled by then; a late rejection of `promise` is swallowed (never an
 * unhandled rejection). One shared timer serves every call (`Deadlines`).
 *
 * @example
 * await withDeadline(client.get(key), 250, () => new BackendUnavailableError('slow'));
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cancel = deadlines.add(ms, () => reject(onTimeout()));
    promise.then(
      (value) => {
        cancel();
        resolve(value);
      },
      (err: unknown) => {
        cancel();
        reject(err);
      },
    );
  });
}
