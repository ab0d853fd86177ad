import {
  assertName,
  InvalidArgumentError,
  normalizePrerequisites,
  normalizeRules,
  normalizeSegmentConstraints,
  normalizeUserId,
  type Constraint,
  type Prerequisite,
  type Rollout,
  type Rule,
  type SegmentSnapshot,
} from '@hanoi/core';

/** A feature's targeting in an export file: present only when the feature has it. */
export interface ImportedTargeting {
  by?: string;
  rules?: Rule[];
  deny?: string[];
  requires?: Prerequisite[];
}

/** A segment of an export file, checked. */
export interface ImportedSegment {
  name: string;
  users: string[];
  constraints: Constraint[];
}

/**
 * The targeting fields of one exported feature, checked as the API checks
 * them (a segment a rule names is looked up at write), so a bad rule stops
 * the import before anything is written.
 *
 * @example
 * checkTargeting({ rules: [...], deny: ['u13'] });
 */
export function checkTargeting(raw: Record<string, unknown>): ImportedTargeting {
  const out: ImportedTargeting = {};
  if (raw.by !== undefined) out.by = assertName(raw.by, 'by');
  if (raw.rules !== undefined) out.rules = normalizeRules(raw.rules, () => true);
  if (raw.deny !== undefined) {
    if (!Array.isArray(raw.deny)) throw new InvalidArgumentError('deny', raw.deny, 'deny is an array of ids.');
    out.deny = raw.deny.map((id) => normalizeUserId(id, 'deny'));
  }
  if (raw.requires !== undefined) out.requires = normalizePrerequisites(raw.requires);
  return out;
}

/**
 * The `segments` of an export file, checked.
 *
 * @example
 * checkSegments([{ name: 'staff', users: ['u9'], constraints: [] }]);
 */
export function checkSegments(list: unknown): ImportedSegment[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new InvalidArgumentError('segments', list, 'segments is an array.');
  return list.map((entry: unknown) => {
    const raw = (entry ?? {}) as Record<string, unknown>;
    const users = raw.users ?? [];
    if (!Array.isArray(users)) throw new InvalidArgumentError('segment users', users, 'users is an array of ids.');
    return {
      name: assertName(raw.name, 'segment name'),
      users: users.map((id) => normalizeUserId(id, 'segment user')),
      constraints: normalizeSegmentConstraints(raw.constraints ?? []),
    };
  });
}

/**
 * Makes a feature's stored targeting match the file's: unit, rules,
 * prerequisites and deny list. Nothing is written for a feature that has
 * none on either side, so plain features import on every backend.
 *
 * @example
 * await writeTargeting(rollout, 'beta', { rules: [] }, before);
 */
export async function writeTargeting(
  rollout: Rollout,
  name: string,
  wanted: ImportedTargeting,
  before: ImportedTargeting | undefined,
): Promise<void> {
  const has = (t: ImportedTargeting | undefined) =>
    t !== undefined &&
    (t.by !== undefined || t.rules !== undefined || t.deny !== undefined || t.requires !== undefined);
  if (!has(wanted) && !has(before)) return;
  await rollout.addFunc(name, { by: wanted.by ?? 'id', rules: wanted.rules ?? [], requires: wanted.requires ?? [] });
  const denied = new Set(wanted.deny ?? []);
  const had = new Set(before?.deny ?? []);
  const gone = [...had].filter((id) => !denied.has(id));
  const added = [...denied].filter((id) => !had.has(id));
  if (gone.length > 0) await rollout.undeny(name, gone);
  if (added.length > 0) await rollout.deny(name, added);
}

/**
 * Every segment, for `hanoi export` (none on a backend without segments).
 *
 * @example
 * const segments = await exportSegments(rollout);
 */
export async function exportSegments(rollout: Rollout): Promise<SegmentSnapshot[]> {
  const names = (await rollout.listSegments()).sort();
  const segments: SegmentSnapshot[] = [];
  for (const name of names) {
    const segment = await rollout.getSegment(name);
    if (segment) segments.push(segment);
  }
  return segments;
}

/**
 * Defines the file's segments (before its features, whose rules may name them).
 *
 * @example
 * await importSegments(rollout, segments);
 */
export async function importSegments(rollout: Rollout, segments: readonly ImportedSegment[]): Promise<void> {
  for (const { name, users, constraints } of segments) await rollout.defineSegment(name, { users, constraints });
}
