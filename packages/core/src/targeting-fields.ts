import type { Backend } from './backend';
import { InUseError, InvalidArgumentError, UnsupportedError } from './errors';
import type { FeatureFields, TargetingOptions } from './feature';
import { dependents, findCycle, normalizePrerequisites } from './prerequisites';
import { normalizeRules } from './rules';
import type { UserId } from './user-context';
import { MAX_NAME_LENGTH, normalizeUserId } from './validate';

/** A backend with every targeting method. */
export type TargetingBackend = Required<Backend>;

/** The backend, when it stores targeting; otherwise `HANOI_UNSUPPORTED` naming `what`. */
export function targetingBackend(backend: Backend, what: string): TargetingBackend {
  if (typeof backend.peekSegment !== 'function' || typeof backend.denyUsers !== 'function') {
    const kind = backend.constructor?.name;
    throw new UnsupportedError(what, kind && kind !== 'Object' ? kind : 'This backend');
  }
  return backend as TargetingBackend;
}

export function segmentExists(backend: Backend): (name: string) => boolean {
  return (name) => backend.peekSegment?.(name) !== undefined;
}

export function unitList(ids: UserId | readonly UserId[], field: string): string[] {
  const list = Array.isArray(ids) ? ids : [ids];
  if (list.length === 0) throw new InvalidArgumentError(field, ids, 'Give at least one id.');
  return [...new Set(list.map((id) => normalizeUserId(id, field)))];
}

/**
 * Checks the targeting options of `addFunc` and returns the fields to
 * store: `by`, `rules` and `requires` (none when none are given). A cycle
 * of prerequisites, an unknown segment or a backend without targeting is
 * refused here, before anything is written.
 *
 * @example
 * Object.assign(fields, targetingFields(backend, 'beta', { rules: [...] }));
 */
export function targetingFields(backend: Backend, name: string, options: TargetingOptions): FeatureFields {
  const fields: FeatureFields = {};
  const { by, rules, requires } = options;
  if (by === undefined && rules === undefined && requires === undefined) return fields;
  if (by !== undefined) {
    if (typeof by !== 'string' || by.length === 0 || [...by].length > MAX_NAME_LENGTH) {
      throw new InvalidArgumentError('by', by, `by is an attribute name of 1 to ${MAX_NAME_LENGTH} characters.`);
    }
    fields.by = by;
  }
  if (rules !== undefined) fields.rules = normalizeRules(rules, segmentExists(backend));
  if (requires !== undefined) {
    fields.requires = normalizePrerequisites(requires);
    const cycle = findCycle(name, fields.requires, (n) => backend.peek(n));
    if (cycle) {
      throw new InvalidArgumentError('requires', cycle.join(' -> '), 'Prerequisites cannot make a cycle.');
    }
  }
  const needed = (fields.by ?? 'id') !== 'id' || (fields.rules?.length ?? 0) > 0 || (fields.requires?.length ?? 0) > 0;
  if (needed) targetingBackend(backend, 'rules, prerequisites or a unit other than id');
  else if (typeof backend.peekSegment !== 'function') return {};
  return fields;
}

/**
 * Refuses to remove a feature that another requires (`HANOI_CONFLICT`).
 *
 * @example
 * assertRemovable(backend, 'new_ui');
 */
export function assertRemovable(backend: Backend, name: string): void {
  const needing = dependents(name, backend.knownNames(), (n) => backend.peek(n));
  if (needing.length > 0) {
    throw new InUseError(
      `Feature ${JSON.stringify(name)} is required by ${needing.map((n) => JSON.stringify(n)).join(', ')}. ` +
        'Remove it from their requires first.',
    );
  }
}
