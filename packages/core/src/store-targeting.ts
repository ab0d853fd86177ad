import type { Constraint } from './constraints';
import type { FeatureState } from './feature';
import { normalizePrerequisites, type Prerequisite } from './prerequisites';
import { normalizeRules, type Rule } from './rules';
import type { SegmentSnapshot, SegmentState } from './segments';
import type { FeatureData, StoredFeature } from './store';
import type { Targeting } from './targeting';

/*
 * How targeting lives in a store. A feature's unit (`by`), rules and
 * prerequisites (`requires`) are fields of its FeatureData, and its deny list
 * is the field `deny`, written by the `addDenied`/`removeDenied` ops: every
 * store keeps them as it keeps any field. A segment is an entry of its own
 * named `segment <name>`: its listed units are the entry's users, its
 * constraints the data field `constraints`. A feature or segment name has no
 * whitespace, so no feature can take a segment's entry name; the entries
 * travel through the snapshots, reloads and change feed features do.
 */

const SEGMENT_PREFIX = 'segment ';
const DENY_PREFIX = 'deny ';

/** What a lookup asks to know whether feature `name`'s deny list (kept in the store) holds a unit. */
export function denyEntry(name: string): string {
  return DENY_PREFIX + name;
}

/** The entry whose state a lookup of `entry` is asked under: a deny list's feature, else the entry itself. */
export function entryOwner(entry: string): string {
  return entry.startsWith(DENY_PREFIX) ? entry.slice(DENY_PREFIX.length) : entry;
}

/** The store entry of segment `name`. */
export function segmentEntry(name: string): string {
  return SEGMENT_PREFIX + name;
}

/** The segment an entry holds, or `undefined` for a feature's entry. */
export function segmentOf(entry: string): string | undefined {
  return entry.startsWith(SEGMENT_PREFIX) ? entry.slice(SEGMENT_PREFIX.length) : undefined;
}

/** Whether an entry is a feature's (not a segment's). */
export function isFeatureEntry(entry: string): boolean {
  return !entry.startsWith(SEGMENT_PREFIX);
}

/** What a segment's entry is created with. */
export function segmentData(constraints: readonly Constraint[] | undefined): Partial<FeatureData> {
  return constraints === undefined ? {} : { constraints: [...constraints] };
}

const segmentStates = new WeakMap<FeatureState, SegmentState>();

/** The segment held in a segment entry's state (worked out once per state). */
export function segmentState(name: string, state: FeatureState | undefined): SegmentState | undefined {
  if (!state) return undefined;
  let segment = segmentStates.get(state);
  if (!segment) {
    const constraints = (state as { constraints?: unknown }).constraints;
    segment = {
      name,
      users: state.users,
      hasUsers: state.users ? state.users.size > 0 : state.hasUsers,
      constraints: Array.isArray(constraints) ? (constraints as Constraint[]) : [],
    };
    segmentStates.set(state, segment);
  }
  return segment;
}

/** A plain copy of a stored segment entry. */
export function segmentSnapshot(name: string, entry: StoredFeature): SegmentSnapshot {
  const constraints = entry.data.constraints;
  return {
    name,
    users: [...(entry.users ?? [])].sort(), // a store's set comes back in any order: a stable one
    constraints: Array.isArray(constraints) ? (structuredClone(constraints) as Constraint[]) : [],
  };
}

/**
 * The `targeting` of a state built from stored data; absent when the feature
 * has none (the fast path). Stored rules and prerequisites are checked as a
 * write checks them: data that is not what hanoi writes (another writer, a
 * hand edit) switches the feature off rather than failing a request.
 */
export function targetingOf(data: FeatureData, deniedCount?: number): TargetingFields {
  // A deny list the store keeps (looked up per request) is known only by its size.
  if (deniedCount !== undefined) return readTargeting(data, deniedCount);
  // A store that hands back the same data object (MemoryStore: frozen, shared) pays for the checks, and the
  // compilation of the rules they return, once per change of the data rather than once per write of users.
  let fields = targetingFields.get(data);
  if (!fields) targetingFields.set(data, (fields = readTargeting(data)));
  return fields;
}

type TargetingFields = { targeting?: Targeting; enabled?: false };
const targetingFields = new WeakMap<FeatureData, TargetingFields>();

function readTargeting(data: FeatureData, deniedCount = 0): TargetingFields {
  const by = typeof data.by === 'string' ? data.by : 'id';
  const deny = Array.isArray(data.deny) ? (data.deny as string[]) : [];
  let rules: Rule[] = [];
  let requires: Prerequisite[] = [];
  try {
    if (data.rules !== undefined) rules = normalizeRules(data.rules, () => true);
    if (data.requires !== undefined) requires = normalizePrerequisites(data.requires);
  } catch {
    return { enabled: false };
  }
  const inStore = deniedCount > 0;
  if (by === 'id' && rules.length === 0 && deny.length === 0 && !inStore && requires.length === 0) return {};
  const denied = new Set(deny);
  return {
    targeting: inStore ? { by, rules, denied, deniedInStore: true, requires } : { by, rules, denied, requires },
  };
}

/** A feature's stored data as `getFunc` shows it: each targeting field only when it says something. */
export function snapshotData(data: FeatureData): FeatureData {
  const { by, rules, deny, requires, ...rest } = data;
  return {
    ...rest,
    ...(typeof by === 'string' && by !== 'id' ? { by } : {}),
    ...(Array.isArray(rules) && rules.length > 0 ? { rules: structuredClone(rules) as Rule[] } : {}),
    ...(Array.isArray(deny) && deny.length > 0 ? { deny: [...(deny as string[])] } : {}),
    ...(Array.isArray(requires) && requires.length > 0
      ? { requires: structuredClone(requires) as Prerequisite[] }
      : {}),
  };
}
