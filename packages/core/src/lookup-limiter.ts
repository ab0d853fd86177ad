import { BackendUnavailableError } from './errors';
import type { LookupAnswer, LookupQuery } from './store';

/** Bounds on user lookups, so a store that hangs costs requests nothing and grows nothing. */
export interface LookupLimits {
  /** A lookup answers "not listed" (rejects) after this long; default 250 ms. */
  timeoutMs: number;
  /** Lookups sent and not yet answered by the store, at most; beyond, a lookup fails at once. Default 256. */
  maxPending: number;
  /** Timeouts or failures in a row that stop lookups for a while; default 5. */
  failuresToPause: number;
  /** How long lookups stay stopped before one probes the store again; default 1000 ms. */
  pauseMs: number;
}

const DEFAULTS: LookupLimits = { timeoutMs: 250, maxPending: 256, failuresToPause: 5, pauseMs: 1000 };

/**
 * Runs user lookups against a store with three bounds: each waits at most
 * `timeoutMs`; at most `maxPending` are out at once (counted until the store
 * answers, not until the caller gave up, so commands stuck in a client's
 * queue count); after `failuresToPause` failures in a row, lookups fail at
 * once for `pauseMs`, then one probes, and a success resumes them. A
 * lookup that fails counts as "not listed" for the Rollout, which reports
 * the outage once.
 *
 * @example
 * const limiter = new LookupLimiter((queries) => store.lookup(queries), { timeoutMs: 100 });
 * await limiter.lookup([{ unit: 'alice', names: ['beta', 'segment testers'] }]);
 */
export class LookupLimiter {
  private readonly limits: LookupLimits;
  private pending = 0;
  private failures = 0;
  private pausedUntil = 0;
  private probing = false;

  constructor(
    private readonly send: (queries: readonly LookupQuery[]) => Promise<readonly LookupAnswer[]>,
    limits: Partial<LookupLimits> = {},
  ) {
    this.limits = { ...DEFAULTS, ...limits };
  }

  /** How many lookups the store has not answered yet. */
  get outstanding(): number {
    return this.pending;
  }

  /** For each query, which of its names list its unit: one call to the store, bounded as the class says. */
  lookup(queries: readonly LookupQuery[]): Promise<readonly LookupAnswer[]> {
    // Nearly always every query asks something: then no copy is made, on the way in or out.
    const asked = queries.every((query) => query.names.length > 0)
      ? queries
      : queries.filter((query) => query.names.length > 0);
    if (asked.length === 0) return Promise.resolve(queries.map(() => new Set<string>()));
    const { timeoutMs, maxPending } = this.limits;
    const paused = Date.now() < this.pausedUntil;
    if (paused || (this.pausedUntil > 0 && this.probing)) {
      return Promise.reject(new BackendUnavailableError('Looking up a user: paused after repeated timeouts.'));
    }
    if (this.pending >= maxPending) {
      return Promise.reject(
        new BackendUnavailableError(`Looking up a user: ${this.pending} lookups are already waiting for the store.`),
      );
    }
    const probe = this.pausedUntil > 0;
    if (probe) this.probing = true;
    this.pending++;
    let sent: Promise<readonly LookupAnswer[]>;
    try {
      sent = this.send(asked);
    } catch (err) {
      sent = Promise.reject(err);
    }
    return new Promise((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => {
        done = true;
        this.failed();
        reject(new BackendUnavailableError(`Looking up a user: the store did not answer in ${timeoutMs} ms.`));
      }, timeoutMs);
      timer.unref?.();
      // Pending counts until the store answers, even after the caller was told of a timeout.
      const settled = () => {
        this.pending--;
        if (probe) this.probing = false;
        clearTimeout(timer);
      };
      sent.then(
        (listed) => {
          settled();
          if (done) return;
          this.failures = 0;
          this.pausedUntil = 0;
          if (asked === queries && listed.length === queries.length) return resolve(listed);
          let next = 0;
          resolve(queries.map((query) => (query.names.length > 0 ? (listed[next++] ?? new Set<string>()) : new Set())));
        },
        (err: unknown) => {
          settled();
          if (done) return;
          this.failed();
          reject(err);
        },
      );
    });
  }

  /** Lookups may go again at once: the store says it is back (a reconnection), so no pause is needed. */
  resume(): void {
    this.failures = 0;
    this.pausedUntil = 0;
  }

  private failed(): void {
    this.failures++;
    if (this.failures >= this.limits.failuresToPause) this.pausedUntil = Date.now() + this.limits.pauseMs;
  }
}
