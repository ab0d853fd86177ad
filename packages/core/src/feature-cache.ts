import type { FeatureState } from './feature';
import { compilePattern, patternKey, type CompiledPattern, type PatternSpec } from './pattern';
import type { PatternChange, StoredFeature } from './store';

/**
 * What one process holds: every feature's evaluable state with the version
 * (in the current epoch) of the write it reflects. Replies are applied only
 * when newer than what is held, so a late reply never undoes a newer one; a
 * removal leaves a tombstone only while requests sent before it may still
 * answer, then nothing (a removed feature leaves no entry behind).
 */
export class FeatureCache {
  private readonly states = new Map<string, FeatureState>();
  private readonly versions = new Map<string, number>();
  private readonly tombstones = new Map<string, number>();
  private readonly damagedNames = new Map<string, string>();
  /** Called with the names whose held state changed, after each apply, damage or snapshot that changed any. */
  onChange: (names: readonly string[]) => void = () => {};

  /** The state of `name`, or undefined (unknown, removed or damaged). */
  get(name: string): FeatureState | undefined {
    return this.states.get(name);
  }

  /** The names of every feature held. */
  names(): string[] {
    return [...this.states.keys()];
  }

  /** How many entries of every kind are held: what a removed feature must not leave behind. */
  get size(): number {
    return this.states.size + this.versions.size + this.tombstones.size + this.damagedNames.size;
  }

  /** The version of what is held for `name` (a tombstone's included), or -1. */
  versionOf(name: string): number {
    return this.versions.get(name) ?? this.tombstones.get(name) ?? -1;
  }

  /** Why `name` is damaged, or undefined. */
  damage(name: string): string | undefined {
    return this.damagedNames.get(name);
  }

  /**
   * Holds `state` for `name` as of version `v`, or its removal (`undefined`),
   * unless what is held is at least as new. Returns whether it applied.
   */
  apply(name: string, v: number, state: FeatureState | undefined): boolean {
    if (v <= this.versionOf(name)) return false;
    const held = this.states.has(name);
    this.damagedNames.delete(name);
    if (state) {
      this.states.set(name, state);
      this.versions.set(name, v);
      this.tombstones.delete(name);
    } else {
      this.states.delete(name);
      this.versions.delete(name);
      this.tombstones.set(name, v);
    }
    if (state || held) this.onChange([name]);
    return true;
  }

  /** Marks `name` damaged: it answers as unknown until a write or a reload repairs it. */
  markDamaged(name: string, why: string): void {
    const held = this.states.has(name);
    this.states.delete(name);
    this.versions.delete(name);
    this.damagedNames.set(name, why);
    if (held) this.onChange([name]);
  }

  /** Forgets tombstones: called when no request sent before them can still answer. */
  dropTombstones(): void {
    if (this.tombstones.size > 0) this.tombstones.clear();
  }

  /**
   * Forgets every version (a new epoch or a store that went back): what is
   * held keeps answering, and the next reply for each feature replaces it.
   */
  forgetVersions(): void {
    this.versions.forEach((_, name) => this.versions.set(name, -1));
    this.tombstones.clear();
  }

  /**
   * Replaces everything with a full snapshot. `build` makes each state,
   * given the one held before (to reuse its compiled patterns).
   */
  replaceAll(
    features: readonly StoredFeature[],
    damaged: ReadonlyMap<string, string>,
    build: (feature: StoredFeature, previous: FeatureState | undefined) => FeatureState,
  ): void {
    const previous = new Map(this.states);
    // Changed: what is gone (or now damaged), what is new, and what was written since (its version moved).
    const changed = new Set<string>();
    const incoming = new Set(features.map((feature) => feature.name));
    for (const name of previous.keys()) if (!incoming.has(name)) changed.add(name);
    for (const feature of features) if (this.versionOf(feature.name) !== feature.v) changed.add(feature.name);
    this.states.clear();
    this.versions.clear();
    this.tombstones.clear();
    this.damagedNames.clear();
    for (const feature of features) {
      this.states.set(feature.name, build(feature, previous.get(feature.name)));
      this.versions.set(feature.name, feature.v);
    }
    for (const [name, why] of damaged) this.damagedNames.set(name, why);
    if (changed.size > 0) this.onChange([...changed]);
  }

  /** Seeds bootstrap definitions (unversioned: anything from the store replaces them). */
  seed(states: readonly FeatureState[]): void {
    for (const state of states) this.states.set(state.name, state);
  }
}

/** Where each compiled pattern of a list is, by flags then source, and whether the call under way has seen it. */
interface PatternIndex {
  readonly byFlags: Map<string, Map<string, { pattern: CompiledPattern; seen: number }>>;
}

// Each list's index moves to the list made from it, so that a change to a
// feature with thousands of patterns costs a pass over its specs (look-ups,
// no key built, no sort, no compilation) and work for what changed only.
const indexes = new WeakMap<readonly CompiledPattern[], PatternIndex>();
let pass = 0;

function indexOf(list: readonly CompiledPattern[]): PatternIndex {
  let index = indexes.get(list);
  if (!index) {
    index = { byFlags: new Map() };
    for (const pattern of list) entriesOf(index, pattern.flags).set(pattern.source, { pattern, seen: 0 });
    indexes.set(list, index);
  }
  return index;
}

function entriesOf(index: PatternIndex, flags: string): Map<string, { pattern: CompiledPattern; seen: number }> {
  let entries = index.byFlags.get(flags);
  if (!entries) index.byFlags.set(flags, (entries = new Map()));
  return entries;
}

/** The order of a feature's patterns: by flags, then by source (what `${flags}/${source}` sorts as). */
function order(a: PatternSpec, b: PatternSpec): number {
  if (a.flags !== b.flags) return a.flags < b.flags ? -1 : 1;
  return a.source < b.source ? -1 : a.source > b.source ? 1 : 0;
}

/** Where `pattern` goes in `list`, kept in `order`. */
function insertionPoint(list: readonly CompiledPattern[], pattern: CompiledPattern): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (order(list[mid]!, pattern) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The compiled patterns of `specs`, ordered by flags then source, reusing
 * those of `previous` (the same list when the same patterns come back, in
 * any order, so the combined matcher is kept too): a change to a feature
 * compiles only its new patterns and costs one look-up per pattern, not a
 * sort or a compilation of every pattern. Each source and flags appear once.
 * A pattern this engine cannot run is skipped rather than failing every check.
 *
 * @example
 * const patterns = compilePatterns(reply.patterns, held?.patterns);
 */
export function compilePatterns(
  specs: readonly PatternSpec[],
  previous: readonly CompiledPattern[] = NONE,
): readonly CompiledPattern[] {
  if (specs.length === 0 && previous.length === 0) return previous;
  // The very list `previous` was compiled from (a store that hands back its own, unchanged): nothing to do.
  if (compiledFrom.get(specs) === previous) return previous;
  const compiled = compileChanged(specs, previous);
  compiledFrom.set(specs, compiled);
  return compiled;
}

/**
 * The compiled patterns of `previous` with `changes` applied in order (each
 * removes its `removed`, then adds its `added`), kept in the order
 * `compilePatterns` gives: a change to a feature with thousands of patterns
 * costs a copy of the list and work for what changed only, with no pass over
 * the specs. Without a net change, `previous` itself.
 *
 * @example
 * const patterns = changePatterns(held.patterns, [{ added: [{ source: '^a', flags: '' }], removed: [] }]);
 */
export function changePatterns(
  previous: readonly CompiledPattern[],
  changes: readonly PatternChange[],
): readonly CompiledPattern[] {
  // What the changes come to, per pattern: whether it is there after them.
  const net = new Map<string, { spec: PatternSpec; present: boolean }>();
  for (const change of changes) {
    for (const spec of change.removed) net.set(patternKey(spec), { spec, present: false });
    for (const spec of change.added) net.set(patternKey(spec), { spec, present: true });
  }
  if (net.size === 0) return previous;
  const index = indexOf(previous);
  const gone = new Set<CompiledPattern>();
  const fresh: CompiledPattern[] = [];
  for (const { spec, present } of net.values()) {
    const entries = entriesOf(index, spec.flags);
    const entry = entries.get(spec.source);
    if (!present) {
      if (entry) {
        gone.add(entry.pattern);
        entries.delete(spec.source);
      }
    } else if (!entry) {
      let compiled: CompiledPattern;
      try {
        compiled = compilePattern(spec);
      } catch {
        continue; // skipped, as compilePatterns skips it
      }
      entries.set(spec.source, { pattern: compiled, seen: 0 });
      fresh.push(compiled);
    }
  }
  for (const [flags, entries] of index.byFlags) if (entries.size === 0) index.byFlags.delete(flags);
  if (gone.size === 0 && fresh.length === 0) return previous;
  const list = gone.size > 0 ? previous.filter((p) => !gone.has(p)) : previous.slice();
  return withFresh(list, fresh, previous, index);
}

const NONE: readonly CompiledPattern[] = Object.freeze([]);
// Which compiled list each list of specs gave: lists of specs are never changed once handed over.
const compiledFrom = new WeakMap<readonly PatternSpec[], readonly CompiledPattern[]>();

function compileChanged(
  specs: readonly PatternSpec[],
  previous: readonly CompiledPattern[],
): readonly CompiledPattern[] {
  const index = indexOf(previous);
  const stamp = ++pass;
  let kept = 0;
  const fresh: CompiledPattern[] = [];
  for (const spec of specs) {
    const entries = entriesOf(index, spec.flags);
    const entry = entries.get(spec.source);
    if (entry) {
      if (entry.seen !== stamp) {
        entry.seen = stamp;
        kept++;
      }
      continue;
    }
    let compiled: CompiledPattern;
    try {
      compiled = compilePattern(spec);
    } catch {
      continue; // skipped: see above
    }
    entries.set(spec.source, { pattern: compiled, seen: stamp });
    fresh.push(compiled);
  }
  const removed = kept < previous.length;
  if (!removed && fresh.length === 0) return previous;
  let list: CompiledPattern[];
  if (removed) {
    list = previous.filter((p) => index.byFlags.get(p.flags)!.get(p.source)!.seen === stamp);
    for (const [flags, entries] of index.byFlags) {
      for (const [source, entry] of entries) if (entry.seen !== stamp) entries.delete(source);
      if (entries.size === 0) index.byFlags.delete(flags);
    }
  } else list = previous.slice();
  return withFresh(list, fresh, previous, index);
}

/**
 * `list` (the kept patterns of `previous`, in order) with `fresh` put in
 * order too: a sort when they are many, else one binary-search insert each.
 * The index of `previous` moves to the new list.
 */
function withFresh(
  list: CompiledPattern[],
  fresh: readonly CompiledPattern[],
  previous: readonly CompiledPattern[],
  index: PatternIndex,
): readonly CompiledPattern[] {
  if (fresh.length > 64) {
    list.push(...fresh);
    list.sort(order);
  } else for (const pattern of fresh) list.splice(insertionPoint(list, pattern), 0, pattern);
  indexes.delete(previous);
  indexes.set(list, index);
  return list;
}
