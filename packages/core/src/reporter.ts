/** Where the packages send what goes wrong at run time. `console` fits. */
export interface Logger {
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

/** Reports store failures once per outage rather than once per request. */
export interface ErrorReporter {
  /** Reports `error` unless an outage is already being reported. */
  failure(error: unknown, what: string): void;
  /** Ends the current outage, if any, and says so. */
  recovered(what: string): void;
  /** Reports one problem that is not an outage (the caller says it once), e.g. a damaged feature. */
  report(error: unknown, message: string): void;
}

/**
 * Builds a reporter over a logger and an optional `onError` callback.
 *
 * @example
 * const reporter = createReporter(console, (err) => metrics.increment('hanoi.error'));
 */
export function createReporter(logger: Logger = console, onError?: (error: unknown) => void): ErrorReporter {
  let down = false;
  const tell = (error: unknown) => {
    if (!onError) return;
    try {
      onError(error);
    } catch (err) {
      logger.error('hanoi: the onError handler threw.', err);
    }
  };
  return {
    failure(error, what) {
      if (down) return;
      down = true;
      logger.error(`hanoi: ${what} failed; answering from what this process knows until the store is back.`, error);
      tell(error);
    },
    report(error, message) {
      logger.error(`hanoi: ${message}.`, error);
      tell(error);
    },
    recovered(what) {
      if (!down) return;
      down = false;
      logger.warn(`hanoi: ${what} is answering again.`);
    },
  };
}
