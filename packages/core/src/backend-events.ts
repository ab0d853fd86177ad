/**
 * What a backend tells those who watch it (`rollout.watch`). Every member is
 * optional. Calls are synchronous and never from inside a check; a listener
 * that throws is ignored (it cannot break the backend or other listeners).
 */
export interface BackendListener {
  /**
   * The definitions this process holds changed for `names`: a write from this
   * or any other process, a reload, or a fresh snapshot from the store.
   */
  changed?(names: readonly string[]): void;
  /** The store stopped answering; checks go on from what this process holds. */
  unavailable?(error: unknown): void;
  /** The store answers again after `unavailable`, and what this process holds is current. */
  available?(): void;
}

/**
 * The listeners of one backend, and whether its store is away right now:
 * a listener added during an outage hears `unavailable` at once.
 *
 * @example
 * private readonly listeners = new BackendListeners();
 * watch(listener: BackendListener) { return this.listeners.add(listener); }
 * // after a write: this.listeners.changed([name]);
 */
export class BackendListeners {
  private readonly listeners = new Set<BackendListener>();
  private outage: { error: unknown } | undefined;

  /** Adds `listener`; returns the function that removes it. */
  add(listener: BackendListener): () => void {
    this.listeners.add(listener);
    if (this.outage) call(() => listener.unavailable?.(this.outage!.error));
    return () => void this.listeners.delete(listener);
  }

  /** Tells every listener that `names` changed (nothing when `names` is empty). */
  changed(names: readonly string[]): void {
    if (names.length === 0) return;
    for (const listener of this.listeners) call(() => listener.changed?.(names));
  }

  /** Starts an outage (once: a second call while it lasts says nothing). */
  unavailable(error: unknown): void {
    if (this.outage) return;
    this.outage = { error };
    for (const listener of this.listeners) call(() => listener.unavailable?.(error));
  }

  /** Ends the outage, if there is one. */
  available(): void {
    if (!this.outage) return;
    this.outage = undefined;
    for (const listener of this.listeners) call(() => listener.available?.());
  }
}

function call(fn: () => void): void {
  try {
    fn();
  } catch {
    // A listener's own failure is its own: the backend carries on.
  }
}
