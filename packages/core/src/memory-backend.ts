import type { Backend } from './backend';
import { FeatureNotFoundError } from './errors';
import type { FeatureFields, FeatureSnapshot, FeatureState, Variant } from './feature';
import { compilePattern, type CompiledPattern, type PatternSpec } from './pattern';
import type { Prerequisite } from './prerequisites';
import type { Rule } from './rules';
import { MemorySegments } from './memory-segments';

interface Stored {
  enabled: boolean;
  percentage: number;
  users: Set<string>;
  patterns: CompiledPattern[];
  variants: Variant[];
  by: string;
  rules: Rule[];
  denied: Set<string>;
  requires: Prerequisite[];
  state: FeatureState;
}

/**
 * Features in this process's memory: the default backend, for development,
 * tests and apps whose features are set at start-up. Nothing is shared
 * between processes and nothing survives a restart.
 *
 * @example
 * const rollout = new Rollout(new MemoryBackend());
 */
export class MemoryBackend extends MemorySegments implements Backend {
  // A Map, not an object: '__proto__' and 'constructor' are ordinary names here.
  private readonly features = new Map<string, Stored>();

  peek(name: string): FeatureState | undefined {
    return this.features.get(name)?.state;
  }

  knownNames(): readonly string[] {
    return [...this.features.keys()];
  }

  ready(): Promise<void> {
    return Promise.resolve();
  }

  async getFunc(name: string): Promise<FeatureSnapshot | undefined> {
    const stored = this.features.get(name);
    if (!stored) return undefined;
    return {
      name,
      enabled: stored.enabled,
      percentage: stored.percentage,
      users: [...stored.users],
      patterns: stored.patterns.map(({ source, flags }) => ({ source, flags })),
      variants: stored.variants.map(({ name: variant, weight }) => ({ name: variant, weight })),
      ...(stored.by !== 'id' ? { by: stored.by } : {}),
      ...(stored.rules.length > 0 ? { rules: structuredClone(stored.rules) } : {}),
      ...(stored.denied.size > 0 ? { deny: [...stored.denied] } : {}),
      ...(stored.requires.length > 0 ? { requires: structuredClone(stored.requires) } : {}),
    };
  }

  async listFuncs(): Promise<string[]> {
    return [...this.features.keys()];
  }

  async addFunc(name: string, fields: FeatureFields): Promise<void> {
    let stored = this.features.get(name);
    if (!stored) {
      stored = {
        enabled: true,
        percentage: 0,
        users: new Set(),
        patterns: [],
        variants: [],
        by: 'id',
        rules: [],
        denied: new Set(),
        requires: [],
      } as unknown as Stored;
      this.features.set(name, stored);
    }
    this.apply(name, stored, fields);
  }

  async update(name: string, fields: FeatureFields): Promise<void> {
    this.apply(name, this.get(name), fields);
  }

  async toggle(name: string): Promise<boolean> {
    const stored = this.get(name);
    this.apply(name, stored, { enabled: !stored.enabled });
    return stored.enabled;
  }

  async registerUsers(name: string, userIds: readonly string[]): Promise<void> {
    const stored = this.get(name);
    for (const id of userIds) stored.users.add(id);
    this.apply(name, stored, {});
  }

  async unregisterUsers(name: string, userIds: readonly string[]): Promise<void> {
    const stored = this.get(name);
    for (const id of userIds) stored.users.delete(id);
    this.apply(name, stored, {});
  }

  async registerPattern(name: string, pattern: PatternSpec): Promise<void> {
    const stored = this.get(name);
    if (!stored.patterns.some((p) => p.source === pattern.source && p.flags === pattern.flags)) {
      stored.patterns = [...stored.patterns, compilePattern(pattern)];
    }
    this.apply(name, stored, {});
  }

  async unregisterPattern(name: string, pattern: PatternSpec): Promise<void> {
    const stored = this.get(name);
    stored.patterns = stored.patterns.filter((p) => p.source !== pattern.source || p.flags !== pattern.flags);
    this.apply(name, stored, {});
  }

  async denyUsers(name: string, userIds: readonly string[]): Promise<void> {
    const stored = this.get(name);
    for (const id of userIds) stored.denied.add(id);
    this.apply(name, stored, {});
  }

  async undenyUsers(name: string, userIds: readonly string[]): Promise<void> {
    const stored = this.get(name);
    for (const id of userIds) stored.denied.delete(id);
    this.apply(name, stored, {});
  }

  async remove(name: string): Promise<void> {
    this.get(name);
    this.features.delete(name);
  }

  async close(): Promise<void> {}

  private get(name: string): Stored {
    const stored = this.features.get(name);
    if (!stored) throw new FeatureNotFoundError(name);
    return stored;
  }

  private apply(name: string, stored: Stored, fields: FeatureFields): void {
    if (fields.enabled !== undefined) stored.enabled = fields.enabled;
    if (fields.percentage !== undefined) stored.percentage = fields.percentage;
    if (fields.variants !== undefined) stored.variants = fields.variants.map((v) => ({ ...v }));
    if (fields.by !== undefined) stored.by = fields.by;
    if (fields.rules !== undefined) stored.rules = structuredClone(fields.rules);
    if (fields.requires !== undefined) stored.requires = structuredClone(fields.requires);
    const targeted =
      stored.by !== 'id' || stored.rules.length > 0 || stored.denied.size > 0 || stored.requires.length > 0;
    stored.state = {
      name,
      enabled: stored.enabled,
      percentage: stored.percentage,
      patterns: stored.patterns,
      variants: stored.variants,
      users: stored.users,
      hasUsers: stored.users.size > 0,
      ...(targeted
        ? { targeting: { by: stored.by, rules: stored.rules, denied: stored.denied, requires: stored.requires } }
        : {}),
    };
  }
}
