import fc from 'fast-check';
import { FeatureNotFoundError, InvalidArgumentError, type Rollout } from '@hanoi/core';
import { idsArb, nameArb, optionsArb, percentageArb, POOL, variantsArb } from './arbitraries';
import {
  addAll,
  canonicalId,
  canonicalVariants,
  expectedSpec,
  newFeature,
  patternKey,
  sortedFeature,
  validName,
  validPercentage,
  type ModelFeature,
} from './model';
import { patternArb } from './pattern-arbitraries';

/** One management call with random arguments. */
export type Op =
  | { op: 'addFunc'; name: unknown; options: unknown }
  | { op: 'register' | 'unregister'; name: unknown; ids: unknown }
  | { op: 'registerPattern' | 'unregisterPattern'; name: unknown; pattern: RegExp; safe: boolean }
  | { op: 'setPercentage'; name: unknown; value: unknown }
  | { op: 'setVariants'; name: unknown; value: unknown }
  | { op: 'enable' | 'disable' | 'toggle' | 'remove'; name: unknown };

/** A random management call. */
export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('addFunc' as const), name: nameArb, options: optionsArb }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constantFrom('register' as const, 'unregister' as const),
      name: nameArb,
      ids: idsArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('registerPattern' as const, 'unregisterPattern' as const), nameArb, patternArb)
      .map(([op, name, p]) => ({ op, name, ...p })),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('setPercentage' as const), name: nameArb, value: percentageArb }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('setVariants' as const), name: nameArb, value: variantsArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constantFrom('enable' as const, 'disable' as const, 'toggle' as const, 'remove' as const),
      name: nameArb,
    }),
  },
);

/** Creates the pool's features first, so the random calls mostly meet features that exist. */
export const SEED_OPS: readonly Op[] = POOL.map((name, i) => ({
  op: 'addFunc',
  name,
  options: { percentage: i * 10 },
}));

/** The model: what the store must hold, by name. */
export type Model = Map<string, ModelFeature>;

function idList(ids: unknown): string[] | undefined {
  if (Array.isArray(ids)) {
    if (ids.length === 0) return undefined;
    const out = ids.map(canonicalId);
    return out.every((id): id is string => id !== undefined) ? out : undefined;
  }
  const id = canonicalId(ids);
  return id === undefined ? undefined : [id];
}

/** Whether the arguments are valid by the spec; `'maybe'` for a pattern only the engine can judge. */
function validity(op: Op): boolean | 'maybe' {
  if (!validName(op.name)) return false;
  switch (op.op) {
    case 'addFunc': {
      if (typeof op.options !== 'object' || op.options === null) return false;
      const { percentage, variants, enabled } = op.options as Record<string, unknown>;
      return (
        (percentage === undefined || validPercentage(percentage)) &&
        (variants === undefined || canonicalVariants(variants) !== undefined) &&
        (enabled === undefined || typeof enabled === 'boolean')
      );
    }
    case 'register':
    case 'unregister':
      return idList(op.ids) !== undefined;
    case 'registerPattern':
    case 'unregisterPattern':
      return op.safe ? true : 'maybe';
    case 'setPercentage':
      return validPercentage(op.value);
    case 'setVariants':
      return canonicalVariants(op.value) !== undefined;
    default:
      return true;
  }
}

function call(rollout: Rollout, op: Op): Promise<unknown> {
  const name = op.name as string;
  switch (op.op) {
    case 'addFunc':
      return rollout.addFunc(name, op.options as object);
    case 'register':
      return rollout.register(name, op.ids as string);
    case 'unregister':
      return rollout.unregister(name, op.ids as string);
    case 'registerPattern':
      return rollout.register(name, op.pattern);
    case 'unregisterPattern':
      return rollout.unregister(name, op.pattern);
    case 'setPercentage':
      return rollout.setPercentage(name, op.value as number);
    case 'setVariants':
      return rollout.setVariants(name, op.value as string[]);
    default:
      return rollout[op.op](name);
  }
}

/** A valid percentage as stored: the integer it is, so -0 is 0. */
const asStored = (percentage: number): number => (percentage === 0 ? 0 : percentage);

/** What the model becomes when `op` succeeds on `feature`, or `undefined` after a remove. */
function applied(op: Op, feature: ModelFeature, result: unknown): ModelFeature | undefined {
  const f = { ...feature };
  switch (op.op) {
    case 'addFunc': {
      const { percentage, variants, enabled } = op.options as Record<string, unknown>;
      if (percentage !== undefined) f.percentage = asStored(percentage as number);
      if (variants !== undefined) f.variants = canonicalVariants(variants)!;
      if (enabled !== undefined) f.enabled = enabled as boolean;
      return f;
    }
    case 'register':
      return { ...f, users: addAll(f.users, idList(op.ids)!, String) };
    case 'unregister': {
      const gone = idList(op.ids)!;
      return { ...f, users: f.users.filter((u) => !gone.includes(u)) };
    }
    case 'registerPattern':
      return { ...f, patterns: addAll(f.patterns, [expectedSpec(op.pattern)], patternKey) };
    case 'unregisterPattern': {
      const key = patternKey(expectedSpec(op.pattern));
      return { ...f, patterns: f.patterns.filter((p) => patternKey(p) !== key) };
    }
    case 'setPercentage':
      return { ...f, percentage: asStored(op.value as number) };
    case 'setVariants':
      return { ...f, variants: canonicalVariants(op.value)! };
    case 'enable':
      return { ...f, enabled: true };
    case 'disable':
      return { ...f, enabled: false };
    case 'toggle':
      expect(result).toBe(!f.enabled);
      return { ...f, enabled: !f.enabled };
    case 'remove':
      return undefined;
  }
}

/**
 * Runs `op` and checks it against the model: refused with
 * `InvalidArgumentError` (or `FeatureNotFoundError` for an unknown feature)
 * and nothing changed, or applied and read back exactly. Updates the model.
 *
 * @example
 * for (const op of ops) await step(rollout, model, op);
 */
export async function step(rollout: Rollout, model: Model, op: Op): Promise<void> {
  const valid = validity(op);
  const name = op.name as string;
  const known = validName(op.name) && model.has(name);
  const outcome = await call(rollout, op).then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (valid === false) {
    expect(outcome).toMatchObject({ ok: false, error: expect.any(InvalidArgumentError) });
  } else if (!known && op.op !== 'addFunc') {
    const expected = valid === 'maybe' ? expect.any(Error) : expect.any(FeatureNotFoundError);
    expect(outcome).toMatchObject({ ok: false, error: expected });
    if (!outcome.ok)
      expect(outcome.error instanceof InvalidArgumentError || outcome.error instanceof FeatureNotFoundError).toBe(true);
  } else if (valid === 'maybe' && !outcome.ok) {
    expect(outcome.error).toBeInstanceOf(InvalidArgumentError);
  } else {
    if (!outcome.ok) throw outcome.error;
    const next = applied(op, model.get(name) ?? newFeature(name), outcome.value);
    if (next) model.set(name, next);
    else model.delete(name);
    // A listed user has the feature exactly while it is enabled (SPEC, rules 3 and 5).
    if (op.op === 'register') expect(await rollout.isEnabled(name, idList(op.ids)![0]!)).toBe(next!.enabled);
  }
  if (validName(op.name)) expect(sortedFeature(await rollout.getFunc(name))).toEqual(sortedFeature(model.get(name)));
  expect((await rollout.listFuncs()).sort()).toEqual([...model.keys()].sort());
}

/**
 * Every stored feature, sorted, to compare with the model.
 *
 * @example
 * expect(await readAll(reader)).toEqual(modelAll(model));
 */
export async function readAll(rollout: Rollout): Promise<ModelFeature[]> {
  const names = (await rollout.listFuncs()).sort();
  return Promise.all(names.map(async (name) => sortedFeature((await rollout.getFunc(name))!)));
}

/** The model's features, sorted as `readAll` returns them. */
export function modelAll(model: Model): ModelFeature[] {
  return [...model.keys()].sort().map((name) => sortedFeature(model.get(name)!));
}
