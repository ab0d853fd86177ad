import type { FeatureState } from './feature';

/** The answers kept for one store entry, valid while its feature's state is `state`. */
interface EntryAnswers {
  state: FeatureState;
  readonly listed: Map<string, boolean>;
}

/**
 * What lookups answered, for a store whose users processes do not hold
 * (RedisHighPerfBackend, PostgresBackend with `lookupUsers`): whether an
 * entry lists a unit, each answer tied to the state of the feature (or
 * segment) it was asked under. The synchronised cache replaces a state on
 * every change it applies (a write, a reload, a snapshot, damage), so an
 * answer lasts until its feature changes and never outlives it: a process
 * sees another's write to a list within the propagation bound, as it sees
 * every other change, and its own writes at once (they carry their answers
 * over, see `carry`).
 *
 * Bounded: at most `max` answers; when full, it starts over.
 *
 * @example
 * const answers = new AnswerCache(50_000);
 * answers.set('beta', state, 'u1', true);
 * answers.get('beta', state, 'u1'); // true, until 'beta' changes
 */
export class AnswerCache {
  private readonly entries = new Map<string, EntryAnswers>();
  private held = 0;

  constructor(private readonly max: number) {}

  /** How many answers are held. */
  get size(): number {
    return this.held;
  }

  /** Whether `entry` lists `unit` as of `state`; undefined when not known. */
  get(entry: string, state: FeatureState, unit: string): boolean | undefined {
    const answers = this.entries.get(entry);
    return answers !== undefined && answers.state === state ? answers.listed.get(unit) : undefined;
  }

  /** Keeps a lookup's answer, asked while `entry`'s feature was `state`. */
  set(entry: string, state: FeatureState, unit: string, listed: boolean): void {
    if (this.max === 0) return;
    let answers = this.entries.get(entry);
    if (answers !== undefined && answers.state !== state) {
      this.drop(entry);
      answers = undefined;
    }
    // Full, and this answer would be one more: start over.
    if (this.held >= this.max && answers?.listed.has(unit) !== true) {
      this.clear();
      answers = undefined;
    }
    if (answers === undefined) {
      answers = { state, listed: new Map() };
      this.entries.set(entry, answers);
    }
    const size = answers.listed.size;
    answers.listed.set(unit, listed);
    this.held += answers.listed.size - size;
  }

  /**
   * Moves `entry`'s answers from state `from` to `to`, the state a write of
   * this process made from exactly `from`, with the write's own change:
   * `units` now listed (`listed` true) or not, known from the write itself.
   * Answers held for another state are dropped.
   */
  carry(entry: string, from: FeatureState, to: FeatureState, units: readonly string[] = [], listed = false): void {
    let answers = this.entries.get(entry);
    if (answers === undefined || answers.state !== from) {
      if (answers !== undefined) this.drop(entry);
      if (units.length === 0 || this.max === 0) return;
      answers = { state: to, listed: new Map() };
      this.entries.set(entry, answers);
    }
    answers.state = to;
    for (const unit of units) {
      if (!answers.listed.has(unit)) {
        if (this.held >= this.max) continue;
        this.held++;
      }
      answers.listed.set(unit, listed);
    }
  }

  /** Forgets `entry`'s answers. */
  drop(entry: string): void {
    const answers = this.entries.get(entry);
    if (answers === undefined) return;
    this.held -= answers.listed.size;
    this.entries.delete(entry);
  }

  /** Forgets every answer. */
  clear(): void {
    this.entries.clear();
    this.held = 0;
  }

  /** How many entries have answers (what a removed feature must not leave behind). */
  get entryCount(): number {
    return this.entries.size;
  }
}

/**
 * The `lookupAnswers` option, checked: an integer from 0 to 10,000,000
 * (default 0: none kept); `who` names the backend in the error.
 *
 * @example
 * checkLookupAnswers(options.lookupAnswers, 'RedisBackend'); // 0 when not given
 */
export function checkLookupAnswers(value: unknown, who = 'StoreBackend'): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10_000_000) {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- what was passed, as JavaScript prints it
    throw new TypeError(`${who}: lookupAnswers must be an integer from 0 to 10000000; got ${String(value)}.`);
  }
  return value;
}
