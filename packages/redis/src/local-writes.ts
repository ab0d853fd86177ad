/**
 * This process's writes in flight, per feature. While one runs, reloads that
 * messages ask for on that feature wait: the write's reply usually covers
 * them (a burst of batches then costs no reload at all), and when it does
 * not, one reload runs once the write is done.
 */
export class LocalWrites {
  private readonly running = new Map<string, number>();
  private readonly deferred = new Map<string, number>();

  /**
   * Runs `write` on `name`; afterwards calls `reload(version)` with the newest
   * deferred message version, if any came meanwhile.
   *
   * @example
   * await writes.run('beta', () => send(), (version) => maybeReload('beta', version));
   */
  async run<T>(name: string, write: () => Promise<T>, reload: (version: number) => void): Promise<T> {
    this.running.set(name, (this.running.get(name) ?? 0) + 1);
    try {
      return await write();
    } finally {
      const left = this.running.get(name)! - 1;
      if (left > 0) this.running.set(name, left);
      else {
        this.running.delete(name);
        const version = this.deferred.get(name);
        this.deferred.delete(name);
        if (version !== undefined) reload(version);
      }
    }
  }

  /**
   * Defers a reload of `name` if a write on it is running; returns whether it did.
   *
   * @example
   * if (!writes.defer('beta', 12)) reload('beta');
   */
  defer(name: string, version: number): boolean {
    if (!this.running.has(name)) return false;
    this.deferred.set(name, Math.max(version, this.deferred.get(name) ?? -1));
    return true;
  }
}
