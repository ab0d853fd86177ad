import type { Backend } from './backend';
import { InvalidArgumentError } from './errors';
import type {
  FeatureFields,
  FeatureOptions,
  FeatureSnapshot,
  FeatureState,
  TargetingOptions,
  VariantInput,
} from './feature';
import { MemoryBackend } from './memory-backend';
import { patternSpec } from './pattern';
import { assertRemovable, targetingFields } from './targeting-fields';
import type { AnyAttributes, UserId } from './user-context';
import { assertBoolean, assertName, assertPercentage, normalizeUserId, normalizeVariants } from './validate';

/**
 * The management half of a `Rollout`: creating and changing features, and
 * the backend's life cycle. Every argument is checked here, before it
 * reaches a backend; bad input is an `InvalidArgumentError` and changes
 * nothing. Use it through `Rollout`.
 *
 * @example
 * const rollout = new Rollout();
 * await rollout.addFunc('beta', { percentage: 10 });
 */
export class FeatureAdmin<Name extends string = string, Attributes extends object = AnyAttributes> {
  /** The store the features live in. */
  readonly backend: Backend;

  constructor(backend: Backend = new MemoryBackend()) {
    if (typeof backend !== 'object' || backend === null || typeof backend.peek !== 'function') {
      throw new TypeError('new Rollout(backend): backend must be a MemoryBackend, RedisBackend or another Backend.');
    }
    this.backend = backend;
  }

  /**
   * Creates a feature, or updates the fields given and keeps the rest (users
   * and patterns survive a re-add). Defaults: enabled, 0%, no variants.
   * Targeting: `by` (the unit), `rules`, `requires` (prerequisites).
   *
   * @example
   * await rollout.addFunc('cdc_on', { percentage: 80, variants: ['foo', 'bar'] });
   * await rollout.addFunc('beta', { by: 'companyId', requires: [{ feature: 'new_ui' }] });
   */
  async addFunc(name: Name, options: FeatureOptions<Name, Attributes> = {}): Promise<void> {
    assertName(name);
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError(
        'options',
        options,
        'Options are an object: { percentage?, variants?, enabled? }.',
      );
    }
    const fields: FeatureFields = {};
    if (options.percentage !== undefined) fields.percentage = assertPercentage(options.percentage);
    if (options.variants !== undefined) fields.variants = normalizeVariants(options.variants);
    if (options.enabled !== undefined) fields.enabled = assertBoolean(options.enabled, 'enabled');
    Object.assign(fields, targetingFields(this.backend, name, options as TargetingOptions));
    await this.backend.addFunc(name, fields);
  }

  /**
   * Registers a user (or several), who then has the feature while it is
   * enabled; or, given a RegExp, every user whose id it matches (an
   * unanchored search, on a linear-time engine).
   *
   * @example
   * await rollout.register('cdc_on', '447568110000');
   * await rollout.register('cdc_on', /01$/);
   * await rollout.register('cdc_on', ['u1', 'u2', 'u3']);
   */
  async register(name: Name, user: UserId | RegExp | readonly UserId[]): Promise<void> {
    assertName(name);
    if (user instanceof RegExp) return this.backend.registerPattern(name, patternSpec(user));
    await this.backend.registerUsers(name, userList(user));
  }

  /**
   * Undoes `register`: removes users, or the pattern with the same source and flags.
   *
   * @example
   * await rollout.unregister('cdc_on', '447568110000');
   */
  async unregister(name: Name, user: UserId | RegExp | readonly UserId[]): Promise<void> {
    assertName(name);
    if (user instanceof RegExp) return this.backend.unregisterPattern(name, patternSpec(user));
    await this.backend.unregisterUsers(name, userList(user));
  }

  /**
   * Sets the percentage of users (by bucket) that have the feature.
   *
   * @example
   * await rollout.setPercentage('cdc_on', 25);
   */
  async setPercentage(name: Name, percentage: number): Promise<void> {
    assertName(name);
    await this.backend.update(name, { percentage: assertPercentage(percentage) });
  }

  /**
   * Replaces the variants: names split evenly, `{ name, weight }` by weight.
   *
   * @example
   * await rollout.setVariants('checkout', [{ name: 'control', weight: 90 }, { name: 'new', weight: 10 }]);
   */
  async setVariants(name: Name, variants: readonly VariantInput[]): Promise<void> {
    assertName(name);
    await this.backend.update(name, { variants: normalizeVariants(variants) });
  }

  /**
   * Turns the master switch on.
   *
   * @example
   * await rollout.enable('cdc_on');
   */
  async enable(name: Name): Promise<void> {
    assertName(name);
    await this.backend.update(name, { enabled: true });
  }

  /**
   * Turns the master switch off: nobody has the feature, listed users included.
   *
   * @example
   * await rollout.disable('cdc_on');
   */
  async disable(name: Name): Promise<void> {
    assertName(name);
    await this.backend.update(name, { enabled: false });
  }

  /**
   * Flips the master switch; resolves to the new value.
   *
   * @example
   * const nowOn = await rollout.toggle('cdc_on');
   */
  async toggle(name: Name): Promise<boolean> {
    assertName(name);
    return this.backend.toggle(name);
  }

  /**
   * Deletes a feature with its users and patterns; refused with
   * `HANOI_CONFLICT` while another feature requires it.
   *
   * @example
   * await rollout.remove('cdc_on');
   */
  async remove(name: Name): Promise<void> {
    assertName(name);
    assertRemovable(this.backend, name);
    await this.backend.remove(name);
  }

  /**
   * A plain copy of a feature as stored, or `undefined`.
   *
   * @example
   * const { percentage, users, patterns, variants } = (await rollout.getFunc('cdc_on'))!;
   */
  async getFunc(name: Name): Promise<FeatureSnapshot | undefined> {
    assertName(name);
    return this.backend.getFunc(name);
  }

  /**
   * Every feature's name.
   *
   * @example
   * for (const name of await rollout.listFuncs()) console.log(name);
   */
  async listFuncs(): Promise<Name[]> {
    return (await this.backend.listFuncs()) as Name[];
  }

  /**
   * Settles once the backend has loaded its first state.
   *
   * @example
   * await rollout.ready();
   */
  ready(): Promise<void> {
    return this.backend.ready();
  }

  /**
   * Releases what the backend opened itself; a Redis client it was handed stays open.
   *
   * @example
   * await rollout.close();
   */
  close(): Promise<void> {
    return this.backend.close();
  }

  /** @internal The state the process holds for `name`; for guards and adapters. */
  peek(name: string): FeatureState | undefined {
    return this.backend.peek(name);
  }
}

function userList(user: UserId | readonly UserId[]): string[] {
  if (Array.isArray(user)) {
    if (user.length === 0) throw new InvalidArgumentError('user', user, 'Give at least one user id.');
    return [...new Set(user.map((id) => normalizeUserId(id)))];
  }
  return [normalizeUserId(user)];
}
