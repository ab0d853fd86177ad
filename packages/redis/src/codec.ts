import {
  cloneJson,
  compilePattern,
  type FeatureFields,
  type FeatureSnapshot,
  type FeatureState,
  type PatternSpec,
  type Variant,
} from '@hanoi/core';

/** A feature as a script replies it: { v, enabled, percentage, variants, scard, patterns, users }. */
export type StateReply = [number, string, string, string, number, string[], string[]];

/** A decoded feature with the global version of its last write. */
export interface Versioned {
  readonly v: number;
  readonly state: FeatureState;
}

/**
 * Turns the fields of addFunc/update into HSET pairs for the write script.
 * Variants are stored as the JSON the client made; the script never parses it.
 *
 * @example
 * encodeFields({ percentage: 20 }); // ['percentage', '20']
 */
export function encodeFields(fields: FeatureFields): string[] {
  const pairs: string[] = [];
  if (fields.enabled !== undefined) pairs.push('enabled', fields.enabled ? '1' : '0');
  if (fields.percentage !== undefined) pairs.push('percentage', String(fields.percentage));
  if (fields.variants !== undefined) pairs.push('variants', JSON.stringify(fields.variants.map(copyVariant)));
  return pairs;
}

/**
 * A pattern as a set member: JSON `[source, flags]`, so any character is faithful.
 *
 * @example
 * encodePattern({ source: '01$', flags: '' }); // '["01$",""]'
 */
export function encodePattern(pattern: PatternSpec): string {
  return JSON.stringify([pattern.source, pattern.flags]);
}

function decodePattern(member: string): PatternSpec | undefined {
  try {
    const [source, flags] = JSON.parse(member) as unknown[];
    return typeof source === 'string' && typeof flags === 'string' ? { source, flags } : undefined;
  } catch {
    return undefined; // written by something else: skipped, never fatal to a check
  }
}

/** A variant with only its own fields; `value` (JSON, already checked) only when it has one. */
function copyVariant({ name, weight, value }: Variant): Variant {
  return value === undefined ? { name, weight } : { name, weight, value };
}

function decodeVariants(json: string): Variant[] {
  try {
    const parsed = JSON.parse(json) as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed
      .filter((v): v is Variant => typeof v?.name === 'string' && typeof v?.weight === 'number')
      .map(copyVariant);
  } catch {
    return [];
  }
}

/** The switch, the percentage and the variants of a reply. */
function fieldsOf(reply: StateReply): { enabled: boolean; percentage: number; variants: Variant[] } {
  return { enabled: reply[1] !== '0', percentage: Number(reply[2]) || 0, variants: decodeVariants(reply[3]) };
}

/** Sorted patterns: a set comes back in any order, and a stable order keeps checks deterministic. */
function patternsOf(reply: StateReply): PatternSpec[] {
  return reply[5]
    .map(decodePattern)
    .filter((p): p is PatternSpec => p !== undefined)
    .sort((a, b) => (a.source + a.flags < b.source + b.flags ? -1 : 1));
}

/**
 * Builds the in-memory state of a feature from a script reply. `withUsers`
 * says whether the reply carries the user set (RedisBackend) or only its
 * size (RedisHighPerfBackend).
 *
 * @example
 * decodeState('beta', reply, true).state.users; // Set { 'u1' }
 */
export function decodeState(name: string, reply: StateReply, withUsers: boolean): Versioned {
  const patterns = [];
  for (const spec of patternsOf(reply)) {
    try {
      patterns.push(compilePattern(spec));
    } catch {
      // a pattern this engine cannot run is skipped rather than failing every check
    }
  }
  const state: FeatureState = {
    ...fieldsOf(reply),
    name,
    patterns,
    users: withUsers ? new Set(reply[6]) : undefined,
    hasUsers: Number(reply[4]) > 0,
  };
  return { v: Number(reply[0]), state };
}

/**
 * Builds what getFunc returns from a reply that carries the users.
 *
 * @example
 * decodeSnapshot('beta', reply); // { name: 'beta', enabled: true, ... }
 */
export function decodeSnapshot(name: string, reply: StateReply): FeatureSnapshot {
  return { name, ...fieldsOf(reply), users: [...reply[6]], patterns: patternsOf(reply) };
}

/**
 * A FeatureSnapshot given as `bootstrap`, made evaluable (users held in memory).
 *
 * @example
 * fromSnapshot({ name: 'beta', enabled: true, percentage: 10, users: [], patterns: [], variants: [] });
 */
export function fromSnapshot(snapshot: FeatureSnapshot): FeatureState {
  return {
    name: snapshot.name,
    enabled: snapshot.enabled,
    percentage: snapshot.percentage,
    variants: snapshot.variants.map((variant) => copyVariant({ ...variant, value: cloneJson(variant.value) })),
    patterns: snapshot.patterns.map(compilePattern),
    users: new Set(snapshot.users),
    hasUsers: snapshot.users.length > 0,
  };
}

/**
 * Reads a message of the changes channel, `<version> <name>` (names hold no
 * whitespace); anything else is `undefined`.
 *
 * @example
 * parseChange('12 beta'); // { version: 12, name: 'beta' }
 */
export function parseChange(text: string): { version: number; name: string } | undefined {
  const space = text.indexOf(' ');
  const version = Number(text.slice(0, space));
  const name = text.slice(space + 1);
  return space > 0 && Number.isInteger(version) && name.length > 0 ? { version, name } : undefined;
}
