/**
 * The offset between Redis's clock (the script's `TIME`) and this process's,
 * measured on each periodic check, so a write can carry a deadline in
 * Redis's time. The error of a measurement is at most half its round trip.
 */
export class ServerClock {
  private offsetMs: number | undefined;
  private errorMs = 0;

  /** True once a measurement was taken. */
  get known(): boolean {
    return this.offsetMs !== undefined;
  }

  /**
   * Records a measurement: `time` is Redis's TIME reply, `sentAt`/`receivedAt` local ms.
   *
   * @example
   * clock.record(['1700000000', '123456'], t0, Date.now());
   */
  record(time: [string, string], sentAt: number, receivedAt: number): void {
    const server = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
    this.offsetMs = server - (sentAt + receivedAt) / 2;
    this.errorMs = Math.ceil((receivedAt - sentAt) / 2) + 1;
  }

  /**
   * The last moment, in Redis's ms, at which a write sent now and rejected
   * after `timeoutMs` may still be applied: the timeout, less the
   * measurement error and a safety margin.
   *
   * @example
   * clock.deadline(2000);
   */
  deadline(timeoutMs: number): number {
    return Math.floor(Date.now() + (this.offsetMs ?? 0) + timeoutMs - this.errorMs - 5);
  }
}
