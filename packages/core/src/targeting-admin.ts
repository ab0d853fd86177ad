import { InUseError, InvalidArgumentError } from './errors';
import { FeatureAdmin } from './feature-admin';
import { normalizeRules, type Rule } from './rules';
import {
  normalizeSegmentConstraints,
  type SegmentDefinition,
  type SegmentFields,
  type SegmentSnapshot,
} from './segments';
import { segmentExists, targetingBackend, unitList } from './targeting-fields';
import type { AnyAttributes, UserId } from './user-context';
import { assertName, normalizeUserId } from './validate';

/**
 * The targeting half of a `Rollout`'s management: rules, deny lists and
 * segments. Use it through `Rollout`.
 *
 * @example
 * await rollout.setRules('beta', [{ constraints: [{ attribute: 'country', operator: 'IN', values: ['NL'] }] }]);
 */
export class TargetingAdmin<
  Name extends string = string,
  Attributes extends object = AnyAttributes,
> extends FeatureAdmin<Name, Attributes> {
  /**
   * Replaces a feature's rules; `[]` removes them. The feature is on for a
   * context any rule holds for (after the deny list, listed users and patterns).
   *
   * @example
   * await rollout.setRules('beta', [
   *   { name: 'pro in NL', constraints: [{ attribute: 'country', operator: 'IN', values: ['NL'] }], percentage: 50 },
   * ]);
   */
  async setRules(name: Name, rules: readonly Rule<Attributes>[]): Promise<void> {
    assertName(name);
    const backend = targetingBackend(this.backend, 'rules');
    await backend.update(name, { rules: normalizeRules(rules, segmentExists(backend)) }, this.scope);
  }

  /**
   * Denies units the feature: the deny list beats everything (100%, listed
   * users, patterns, rules).
   *
   * @example
   * await rollout.deny('beta', ['u13', 'u666']);
   */
  async deny(name: Name, ids: UserId | readonly UserId[]): Promise<void> {
    assertName(name);
    await targetingBackend(this.backend, 'deny lists').denyUsers(name, unitList(ids, 'deny'), this.scope);
  }

  /**
   * Takes units off the deny list.
   *
   * @example
   * await rollout.undeny('beta', 'u13');
   */
  async undeny(name: Name, ids: UserId | readonly UserId[]): Promise<void> {
    assertName(name);
    await targetingBackend(this.backend, 'deny lists').undenyUsers(name, unitList(ids, 'undeny'), this.scope);
  }

  /**
   * Creates a segment, or replaces the fields given: listed units and/or
   * constraints. Rules use it with `{ operator: 'IN_SEGMENT', values: [name] }`.
   *
   * @example
   * await rollout.defineSegment('beta-testers', { users: ['u1', 'u2'] });
   * await rollout.defineSegment('dutch-pros', { constraints: [{ attribute: 'country', operator: 'IN', values: ['NL'] }] });
   */
  async defineSegment(name: string, definition: SegmentDefinition<Attributes> = {}): Promise<void> {
    assertName(name, 'segment name');
    if (typeof definition !== 'object' || definition === null) {
      throw new InvalidArgumentError('segment', definition, 'A segment is { users?, constraints? }.');
    }
    const fields: SegmentFields = {};
    if (definition.users !== undefined) {
      if (!Array.isArray(definition.users))
        throw new InvalidArgumentError('users', definition.users, 'users is a list of ids.');
      fields.users = [...new Set(definition.users.map((id) => normalizeUserId(id, 'segment user')))];
    }
    if (definition.constraints !== undefined) fields.constraints = normalizeSegmentConstraints(definition.constraints);
    await targetingBackend(this.backend, 'segments').defineSegment(name, fields, this.scope);
  }

  /**
   * Adds units to a segment.
   *
   * @example
   * await rollout.registerSegment('beta-testers', ['u3', 'u4']);
   */
  async registerSegment(name: string, ids: UserId | readonly UserId[]): Promise<void> {
    assertName(name, 'segment name');
    await targetingBackend(this.backend, 'segments').registerSegmentUsers(
      name,
      unitList(ids, 'segment user'),
      this.scope,
    );
  }

  /**
   * Removes units from a segment.
   *
   * @example
   * await rollout.unregisterSegment('beta-testers', 'u3');
   */
  async unregisterSegment(name: string, ids: UserId | readonly UserId[]): Promise<void> {
    assertName(name, 'segment name');
    await targetingBackend(this.backend, 'segments').unregisterSegmentUsers(
      name,
      unitList(ids, 'segment user'),
      this.scope,
    );
  }

  /**
   * Deletes a segment; refused with `HANOI_CONFLICT` while a rule uses it.
   *
   * @example
   * await rollout.removeSegment('beta-testers');
   */
  async removeSegment(name: string): Promise<void> {
    assertName(name, 'segment name');
    const backend = targetingBackend(this.backend, 'segments');
    const users = backend
      .knownNames()
      .filter((feature) =>
        backend
          .peek(feature)
          ?.targeting?.rules.some((rule) =>
            rule.constraints.some((c) => c.operator === 'IN_SEGMENT' && c.values?.includes(name)),
          ),
      );
    if (users.length > 0) {
      throw new InUseError(
        `Segment ${JSON.stringify(name)} is used by the rules of ${users.map((n) => JSON.stringify(n)).join(', ')}. ` +
          'Change those rules first.',
      );
    }
    await backend.removeSegment(name, this.scope);
  }

  /**
   * A plain copy of a segment, or `undefined`.
   *
   * @example
   * const { users, constraints } = (await rollout.getSegment('beta-testers'))!;
   */
  async getSegment(name: string): Promise<SegmentSnapshot | undefined> {
    assertName(name, 'segment name');
    return targetingBackend(this.backend, 'segments').getSegment(name);
  }

  /**
   * Every segment's name.
   *
   * @example
   * for (const name of await rollout.listSegments()) console.log(name);
   */
  async listSegments(): Promise<string[]> {
    if (typeof this.backend.listSegments !== 'function') return [];
    return this.backend.listSegments();
  }
}
