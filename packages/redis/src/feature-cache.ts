import type { FeatureState } from '@hanoi/core';
import type { Versioned } from './codec';

/**
 * What this process knows: every feature's evaluable state, with the global
 * version of its last write, and tombstones (the version of its removal) for
 * removed features, so that a late reply can never bring one back. Replies
 * are applied only when newer than what is held; a full snapshot replaces
 * everything (it is one atomic view of the store, also after a store that
 * lost its data started counting versions again).
 */
export class FeatureCache {
  private readonly states = new Map<string, FeatureState>();
  private readonly versions = new Map<string, number>();
  /** True once a full snapshot from the store was applied. */
  loaded = false;
  /** Called with the names whose state changed, after each apply or snapshot that changed any. */
  onChange: (names: readonly string[]) => void = () => {};

  /**
   * Starts with `bootstrap` (unversioned, so anything from the store replaces it).
   *
   * @example
   * const cache = new FeatureCache([fromSnapshot(defaults)]);
   */
  constructor(bootstrap: readonly FeatureState[] = []) {
    for (const state of bootstrap) this.states.set(state.name, state);
  }

  /** The state of `name`, or undefined. */
  get(name: string): FeatureState | undefined {
    return this.states.get(name);
  }

  /** The names of every feature held. */
  names(): string[] {
    return [...this.states.keys()];
  }

  /** The version of the last write this process applied for `name` (removals included), or -1. */
  versionOf(name: string): number {
    return this.versions.get(name) ?? -1;
  }

  /**
   * Applies one feature's state (or its removal, `undefined`) as of version
   * `v`, unless this process already holds something at least as new.
   * Returns whether it applied.
   *
   * @example
   * cache.apply('beta', 12, decoded.state);
   */
  apply(name: string, v: number, state: FeatureState | undefined): boolean {
    if (v <= this.versionOf(name)) return false;
    this.versions.set(name, v);
    if (state) this.states.set(name, state);
    else this.states.delete(name);
    this.onChange([name]);
    return true;
  }

  /**
   * Replaces everything with a full snapshot taken at global version
   * `version`; features held but absent from it get a tombstone there.
   *
   * @example
   * cache.replaceAll(40, new Map([['beta', decoded]]));
   */
  replaceAll(version: number, features: ReadonlyMap<string, Versioned>): void {
    const gone = [...this.states.keys()].filter((name) => !features.has(name));
    // Changed: what is gone, what is new, and what was written since (its version moved).
    const changed = [...gone, ...[...features].filter(([name, { v }]) => this.versionOf(name) !== v).map(([n]) => n)];
    this.states.clear();
    this.versions.clear();
    for (const name of gone) this.versions.set(name, version);
    for (const [name, { v, state }] of features) {
      this.states.set(name, state);
      this.versions.set(name, v);
    }
    this.loaded = true;
    this.onChange(changed);
  }
}
