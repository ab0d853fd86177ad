/**
 * Turns Unleash client-specification state into Hanoi features, as SPEC's
 * "Outside suite" says: each strategy a rule (its constraints; `userWithId`
 * an IN constraint on `id`; `default` and `flexibleRollout` at 100 add
 * nothing), segments into segments (used through IN_SEGMENT), dependencies
 * into `requires`, RE2-only regex syntax rewritten into JavaScript, invalid
 * CIDR values left out. What Hanoi refuses at write (a deliberate
 * difference) is mapped to what Unleash means by it where that is a plain
 * fact (a strategy that can never hold is left out), and otherwise reported.
 */
import { InvalidArgumentError, type Constraint, type Prerequisite, type Rollout, type Rule } from '@hanoi/core';

export interface UnleashConstraint {
  contextName: string;
  operator: string;
  values?: string[];
  value?: string;
  inverted?: boolean;
  caseInsensitive?: boolean;
}

export interface UnleashStrategy {
  name: string;
  parameters?: Record<string, string>;
  constraints?: UnleashConstraint[];
  segments?: number[];
  variants?: { name: string; weight: number }[];
}

export interface UnleashFeature {
  name: string;
  enabled: boolean;
  strategies?: UnleashStrategy[];
  dependencies?: { feature: string; enabled?: boolean; variants?: string[] }[];
}

export interface UnleashState {
  features: UnleashFeature[];
  segments?: { id: number; constraints: UnleashConstraint[] }[];
}

export interface UnleashTest {
  description: string;
  context: Record<string, unknown>;
  toggleName: string;
  expectedResult: boolean;
}

/** A strategy or constraint that can never hold (Unleash: an empty IN, an invalid operator or regex). */
class NeverHolds extends Error {}

const segmentName = (id: number) => `segment-${id}`;

/** Unleash's context (`userId`, top-level fields, `properties`) as a Hanoi context. */
export function hanoiContext(context: Record<string, unknown>): Record<string, unknown> {
  const { userId, properties, ...fields } = context;
  const out: Record<string, unknown> = { ...fields, ...(properties as Record<string, unknown> | undefined) };
  if (userId !== undefined) out.id = userId;
  for (const key of Object.keys(out)) if (out[key] === null) delete out[key];
  return out;
}

// RE2's POSIX classes, which JavaScript does not have, as JavaScript classes.
const POSIX: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
  punct: '!-\\/:-@\\[-`{-~',
};

/**
 * RE2 syntax that JavaScript lacks, rewritten: POSIX classes, and leading
 * inline flags (`(?i)`, also after `^`) as flags of the whole pattern.
 */
export function rewriteRe2(source: string): { source: string; flags: string } {
  let flags = '';
  let out = source.replace(/\[:(\w+):\]/g, (whole, name: string) => POSIX[name] ?? whole);
  out = out.replace(/^(\^?)\(\?([ims]+)\)/, (_whole, anchor: string, inline: string) => {
    flags = inline;
    return anchor;
  });
  return { source: out, flags };
}

function mapConstraint(c: UnleashConstraint): Constraint | 'always' {
  const attribute = c.contextName === 'userId' ? 'id' : c.contextName;
  const base = {
    attribute,
    ...(c.inverted ? { inverted: true } : {}),
    ...(c.caseInsensitive ? { caseInsensitive: true } : {}),
  };
  if (c.operator === 'REGEX') {
    const values = c.values ?? (c.value === undefined ? [] : [c.value]);
    const rewritten = values.map(rewriteRe2);
    const flags = [...new Set(rewritten.map((r) => r.flags).join(''))].join('');
    return {
      ...base,
      operator: 'REGEX',
      values: rewritten.map((r) => r.source),
      ...(flags ? { flags } : {}),
    } as Constraint;
  }
  if (c.values !== undefined) {
    // An empty list: no value matches, so IN-like operators never hold and NOT_IN always does.
    if (c.values.length === 0) {
      const holds = c.operator === 'NOT_IN';
      if (holds !== Boolean(c.inverted)) return 'always';
      throw new NeverHolds();
    }
    return { ...base, operator: c.operator, values: c.values } as Constraint;
  }
  return { ...base, operator: c.operator, value: c.value } as Constraint;
}

function mapStrategy(strategy: UnleashStrategy, segments: ReadonlySet<number>): Rule {
  const constraints: Constraint[] = [];
  for (const c of strategy.constraints ?? []) {
    const mapped = mapConstraint(c);
    if (mapped !== 'always') constraints.push(mapped);
  }
  for (const id of strategy.segments ?? []) {
    if (!segments.has(id)) throw new NeverHolds(); // Unleash: a missing segment fails the strategy
    constraints.push({ operator: 'IN_SEGMENT', values: [segmentName(id)] });
  }
  switch (strategy.name) {
    case 'default':
      break;
    case 'userWithId': {
      const ids = (strategy.parameters?.userIds ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean);
      if (ids.length === 0) throw new NeverHolds();
      constraints.push({ attribute: 'id', operator: 'IN', values: ids });
      break;
    }
    case 'flexibleRollout': {
      const rollout = Number(strategy.parameters?.rollout ?? '100');
      if (rollout === 0) throw new NeverHolds();
      if (rollout !== 100) throw new Error(`flexibleRollout at ${rollout}% hashes differently from Hanoi's bucket`);
      break;
    }
    default:
      throw new Error(`strategy ${strategy.name} has no Hanoi mapping`);
  }
  return { constraints };
}

/**
 * Hanoi refuses invalid IN_CIDR values at write where Unleash ignores them:
 * they are left out (SPEC). A rule that is still refused can never hold in
 * Unleash (an invalid operator, regex or version): it is left out too.
 */
async function writableRules(rollout: Rollout, probe: string, rules: Rule[]): Promise<Rule[]> {
  const kept: Rule[] = [];
  for (const rule of rules) {
    let candidate = rule;
    for (;;) {
      try {
        await rollout.setRules(probe, [candidate]);
        kept.push(candidate);
        break;
      } catch (err) {
        if (!(err instanceof InvalidArgumentError)) throw err;
        const match = /^rules\[0\]\.constraints\[(\d+)\]\.values\[(\d+)\]$/.exec(err.field);
        const constraint = match ? candidate.constraints[Number(match[1])] : undefined;
        if (!match || constraint?.operator !== 'IN_CIDR') break;
        const values = constraint.values!.filter((_v, i) => i !== Number(match[2]));
        if (values.length === 0) break;
        const constraints = candidate.constraints.map((c, i) => (i === Number(match[1]) ? { ...c, values } : c));
        candidate = { ...candidate, constraints };
      }
    }
  }
  return kept;
}

/** A dependency as a prerequisite. Unleash's variant `disabled` is "no variant": a parent without variants has it. */
function mapDependency(
  dependency: NonNullable<UnleashFeature['dependencies']>[number],
  features: ReadonlyMap<string, UnleashFeature>,
): Prerequisite {
  const parent = features.get(dependency.feature);
  const parentHasVariants = parent?.strategies?.some((s) => (s.variants ?? []).length > 0) ?? false;
  let variants = dependency.variants ?? [];
  if (variants.includes('disabled') && !parentHasVariants) variants = [];
  else variants = variants.filter((v) => v !== 'disabled');
  return {
    feature: dependency.feature,
    ...(dependency.enabled === false ? { enabled: false } : {}),
    ...(variants.length > 0 ? { variants } : {}),
  };
}

/**
 * Writes `state` through `rollout`'s public API and returns the features
 * that could not be mapped, with the reason (a refused cycle, say).
 */
export async function loadUnleashState(rollout: Rollout, state: UnleashState): Promise<Map<string, string>> {
  const unmapped = new Map<string, string>();
  const segments = new Set<number>();
  for (const segment of state.segments ?? []) {
    try {
      const constraints = segment.constraints.map(mapConstraint).filter((c): c is Constraint => c !== 'always');
      await rollout.defineSegment(segmentName(segment.id), { constraints });
      segments.add(segment.id);
    } catch (err) {
      if (!(err instanceof NeverHolds || err instanceof InvalidArgumentError)) throw err;
    }
  }
  const probe = '__unleash_probe__';
  await rollout.addFunc(probe, { enabled: false });
  const byName = new Map(state.features.map((f) => [f.name, f]));
  for (const feature of state.features) {
    const strategies = feature.strategies ?? [];
    const rules: Rule[] = [];
    for (const strategy of strategies) {
      try {
        rules.push(mapStrategy(strategy, segments));
      } catch (err) {
        if (!(err instanceof NeverHolds)) unmapped.set(feature.name, (err as Error).message);
      }
    }
    const variants = strategies.find((s) => (s.variants ?? []).length > 0)?.variants ?? [];
    await rollout.addFunc(feature.name, {
      enabled: feature.enabled,
      // Unleash: a feature with no strategies is on for everyone.
      percentage: strategies.length === 0 ? 100 : 0,
      variants: variants.map((v) => ({ name: v.name, weight: Math.max(v.weight, 1) })),
      rules: await writableRules(rollout, probe, rules),
    });
  }
  await rollout.setRules(probe, []);
  await rollout.remove(probe);
  for (const feature of state.features) {
    if (!feature.dependencies?.length) continue;
    try {
      await rollout.addFunc(feature.name, { requires: feature.dependencies.map((d) => mapDependency(d, byName)) });
    } catch (err) {
      if (!(err instanceof InvalidArgumentError)) throw err;
      unmapped.set(feature.name, err.message);
    }
  }
  return unmapped;
}
