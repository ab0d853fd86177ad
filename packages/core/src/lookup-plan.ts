import type { LookupAnswer, LookupQuery } from './store';

/**
 * What one request asks a store whose users processes do not hold: for
 * each unit (an id, a `companyId`...), the entries (features, segments'
 * `segment <name>`) whose listing of it decides an answer. Sent as one
 * lookup: one round trip, whatever the number of features and units.
 *
 * @example
 * const plan = new LookupPlan();
 * plan.add('u1', 'beta');
 * plan.add('c7', 'segment big-customers');
 * plan.queries(); // [{ unit: 'u1', names: ['beta'] }, { unit: 'c7', names: ['segment big-customers'] }]
 */
export class LookupPlan {
  // Made on the first question: most plans (every one on a store that holds its users) ask none.
  private units: Map<string, Set<string>> | undefined;

  /** Asks whether `entry` lists `unit`. */
  add(unit: string, entry: string): void {
    const units = (this.units ??= new Map<string, Set<string>>());
    let entries = units.get(unit);
    if (!entries) units.set(unit, (entries = new Set()));
    entries.add(entry);
  }

  /** Whether nothing needs asking. */
  get empty(): boolean {
    return this.units === undefined;
  }

  /** The questions, one per unit. */
  queries(): LookupQuery[] {
    return this.units ? [...this.units].map(([unit, names]) => ({ unit, names: [...names] })) : [];
  }
}

/**
 * What a lookup answered: whether an entry lists a unit, for the pairs
 * asked; `undefined` for a pair not asked, when the store did not answer,
 * or when it could not read that entry (its answer's `unknown`).
 *
 * @example
 * const answers = new LookupAnswers(plan.queries(), await backend.lookupUnits!(plan.queries()));
 * answers.listed('beta', 'u1'); // true, false, or undefined (not known)
 */
export class LookupAnswers {
  private readonly asked = new Map<string, ReadonlySet<string>>();
  private readonly found = new Map<string, LookupAnswer>();

  /** `found` undefined: the lookup failed, nothing is known. */
  constructor(queries: readonly LookupQuery[], found: readonly LookupAnswer[] | undefined) {
    if (!found) return;
    queries.forEach((query, i) => {
      this.asked.set(query.unit, new Set(query.names));
      this.found.set(query.unit, found[i] ?? new Set());
    });
  }

  /** Whether `entry` lists `unit`: known only when it was asked and answered. */
  listed(entry: string, unit: string): boolean | undefined {
    if (!this.asked.get(unit)?.has(entry)) return undefined;
    const found = this.found.get(unit)!;
    return found.unknown?.has(entry) ? undefined : found.has(entry);
  }
}
