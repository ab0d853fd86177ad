import type {
  ChangedFeature,
  DamagedFeature,
  FeatureData,
  HistoryAction,
  HistoryChange,
  HistoryEntry,
  HistorySource,
  PatternChange,
  PatternSpec,
  StoredFeature,
  UserChange,
  Variant,
} from '@hanoi/core';

/**
 * A feature as a script replies it: { v, HGETALL of its hash, scard, patterns (or their number, when left
 * out), users, deny }, or {'damaged', why}.
 */
export type StateReply =
  [number, string[], number, string[] | number, string[], string[] | number] | ['damaged', string];

// Hash fields of a feature that are not its data: the version of its last write and that version's epoch.
const BOOKKEEPING = new Set(['v', 'e']);
/** Fields other than these three are stored as `x:<field>` with a JSON value. */
const EXTRA = 'x:';

/**
 * Turns fields of a feature into HSET pairs for the write script. The
 * three fields of the original layout keep their encoding (`enabled` as
 * '1'/'0', `percentage` as digits, `variants` as JSON); any other field is
 * stored as `x:<field>` holding JSON, so new fields pass through as data.
 *
 * @example
 * encodeData({ percentage: 20 }); // ['percentage', '20']
 */
export function encodeData(data: Partial<FeatureData>): string[] {
  const pairs: string[] = [];
  for (const [field, value] of Object.entries(data)) {
    if (value === undefined) continue;
    if (field === 'enabled') pairs.push('enabled', value ? '1' : '0');
    else if (field === 'percentage') pairs.push('percentage', String(value as number));
    else if (field === 'variants') pairs.push('variants', JSON.stringify((value as Variant[]).map(copyVariant)));
    else pairs.push(EXTRA + field, JSON.stringify(value));
  }
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

class Unreadable extends Error {}

/** A variant with only its own fields; `value` (JSON, already checked) only when it has one. */
function copyVariant({ name, weight, value }: Variant): Variant {
  return value === undefined ? { name, weight } : { name, weight, value };
}

function decodePattern(member: string): PatternSpec | undefined {
  try {
    const [source, flags] = JSON.parse(member) as unknown[];
    return typeof source === 'string' && typeof flags === 'string' ? { source, flags } : undefined;
  } catch {
    return undefined; // a member written by something else: skipped, as a pattern this engine cannot run is
  }
}

/**
 * The patterns of a set's members. A set comes back in any order: a stable
 * one (by source, then flags, as one string) keeps getFunc and exports
 * deterministic. Each key is made once, not once per comparison: a feature
 * may hold thousands of patterns, and every whole read decodes them all.
 */
function sortedPatterns(members: readonly string[]): PatternSpec[] {
  const keyed: { key: string; pattern: PatternSpec }[] = [];
  for (const member of members) {
    const pattern = decodePattern(member);
    if (pattern) keyed.push({ key: pattern.source + pattern.flags, pattern });
  }
  keyed.sort((a, b) =>
    a.key !== b.key
      ? a.key < b.key
        ? -1
        : 1
      : a.pattern.flags < b.pattern.flags
        ? -1
        : a.pattern.flags > b.pattern.flags
          ? 1
          : 0,
  );
  return keyed.map(({ pattern }) => pattern);
}

function json(field: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Unreadable(`the field ${field} is not JSON`);
  }
}

function decodeData(flat: readonly string[]): FeatureData {
  const hash = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) hash.set(flat[i]!, flat[i + 1]!);
  const percentage = Number(hash.get('percentage') ?? '0');
  if (!Number.isInteger(percentage) || percentage < 0 || percentage > 100) {
    throw new Unreadable(`the percentage ${JSON.stringify(hash.get('percentage'))} is not 0..100`);
  }
  const variants = json('variants', hash.get('variants') ?? '[]');
  if (
    !Array.isArray(variants) ||
    !variants.every((v) => typeof v?.name === 'string' && typeof v?.weight === 'number')
  ) {
    throw new Unreadable('the variants are not a list of { name, weight, value? }');
  }
  const data: FeatureData = {
    enabled: hash.get('enabled') !== '0',
    percentage,
    variants: (variants as Variant[]).map(copyVariant),
  };
  for (const [field, text] of hash) {
    if (field.startsWith(EXTRA)) data[field.slice(EXTRA.length)] = json(field, text);
    else if (!BOOKKEEPING.has(field) && !(field in data)) data[field] = text; // written by something else: kept as is
  }
  return data;
}

/**
 * A stored feature from a script reply that carries the patterns (a read, a
 * snapshot); a reply that cannot be read (a key of the wrong type, an
 * unreadable value) is a `DamagedFeature`: only that feature is affected.
 *
 * @example
 * decodeFeature('beta', reply, true); // { name: 'beta', v: 12, data: {...}, patterns, userCount, users }
 */
export function decodeFeature(
  name: string,
  reply: StateReply,
  withUsers: boolean,
  holdsUsers = true,
): StoredFeature | DamagedFeature {
  const feature = decodeChangedFeature(name, reply, withUsers, holdsUsers);
  return isDamagedReply(feature) || feature.patterns
    ? (feature as StoredFeature | DamagedFeature)
    : { ...feature, patterns: [] };
}

function isDamagedReply(feature: ChangedFeature | DamagedFeature): feature is DamagedFeature {
  return 'damaged' in feature;
}

/**
 * As `decodeFeature`, for a reply that may leave the patterns out (a write's,
 * a reload of what changed): `patterns` absent then, unless the set is empty.
 *
 * @example
 * decodeChangedFeature('beta', reply, false); // { name: 'beta', v: 12, data: {...}, userCount }
 */
export function decodeChangedFeature(
  name: string,
  reply: StateReply,
  withUsers: boolean,
  holdsUsers = true,
): ChangedFeature | DamagedFeature {
  if (reply[0] === 'damaged') return { name, damaged: reply[1] as string };
  const [v, flat, scard, patterns, users, deny] = reply;
  try {
    // The deny set: its members (a process holding users keeps them as the field deny), or its size.
    const members = Array.isArray(deny) ? deny : undefined;
    const data = decodeData(flat);
    if (members && members.length > 0 && (holdsUsers || withUsers)) data.deny = [...members].sort();
    const deniedCount = !members ? Number(deny ?? 0) : holdsUsers || withUsers ? undefined : members.length;
    // Assigned rather than spread: this runs on every write.
    const feature: { -readonly [K in keyof ChangedFeature]: ChangedFeature[K] } = {
      name,
      v: Number(v),
      data,
      userCount: Number(scard),
    };
    if (deniedCount !== undefined) feature.deniedCount = deniedCount;
    // Left out: their number (none: an empty list, nothing to work out).
    if (Array.isArray(patterns)) feature.patterns = sortedPatterns(patterns);
    else if (Number(patterns) === 0) feature.patterns = [];
    if (withUsers) feature.users = users;
    return feature;
  } catch (err) {
    if (err instanceof Unreadable) return { name, damaged: err.message };
    throw err;
  }
}

/**
 * Reads a message of the changes channel, `<epoch> <version> <name>` (names
 * hold no whitespace); anything else is `undefined`.
 *
 * @example
 * parseChange('3f9a 12 beta'); // { epoch: '3f9a', version: 12, name: 'beta' }
 */
export function parseChange(text: string): { epoch: string; version: number; name: string } | undefined {
  const first = text.indexOf(' ');
  const second = text.indexOf(' ', first + 1);
  if (first <= 0 || second <= first + 1) return undefined;
  const version = Number(text.slice(first + 1, second));
  const name = text.slice(second + 1);
  return Number.isInteger(version) && name.length > 0 ? { epoch: text.slice(0, first), version, name } : undefined;
}

/**
 * What each write did to the users and to the patterns, oldest first, from
 * the `{before, after}` of their history entries as the `since` script sends
 * them (newest first): `after.users` were added, `before.users` removed, and
 * the same for `patterns` (a whole feature on both sides for a restore,
 * which comes to the same).
 *
 * @example
 * decodeChanges([['{}', '{"users":["u1"]}']]); // { users: [{ added: ['u1'], removed: [] }], patterns: [...] }
 */
export function decodeChanges(changes: readonly [string, string][]): {
  users: UserChange[];
  patterns: PatternChange[];
} {
  const users: UserChange[] = [];
  const patterns: PatternChange[] = [];
  const strings = (value: unknown) =>
    Array.isArray(value) ? (value as unknown[]).filter((item): item is string => typeof item === 'string') : [];
  const specs = (value: unknown) =>
    strings(value)
      .map(decodePattern)
      .filter((p): p is PatternSpec => p !== undefined);
  for (let i = changes.length - 1; i >= 0; i--) {
    const [before, after] = changes[i]!;
    const b = JSON.parse(before) as { users?: unknown; patterns?: unknown } | null;
    const a = JSON.parse(after) as { users?: unknown; patterns?: unknown } | null;
    users.push({ added: strings(a?.users), removed: strings(b?.users) });
    if (b?.patterns !== undefined || a?.patterns !== undefined) {
      patterns.push({ added: specs(a?.patterns), removed: specs(b?.patterns) });
    }
  }
  return { users, patterns };
}

/** One side of a history entry as the write script stored it (JSON of raw hash values), decoded. */
function decodeChange(text: string): HistoryChange | null {
  const raw = JSON.parse(text) as Record<string, unknown> | null;
  if (raw === null) return null;
  const change: HistoryChange = {};
  // cjson writes an empty Lua table as {}: an empty list here.
  const list = (value: unknown) => (Array.isArray(value) ? (value as string[]) : []);
  for (const [field, value] of Object.entries(raw)) {
    if (field === 'users') change.users = list(value);
    else if (field === 'patterns')
      change.patterns = list(value)
        .map(decodePattern)
        .filter((p): p is PatternSpec => p !== undefined);
    else if (field === 'enabled') change.enabled = value !== '0';
    else if (field === 'percentage') change.percentage = Number(value);
    else if (field === 'variants') change.variants = JSON.parse(value as string);
    else if (field.startsWith(EXTRA)) change[field.slice(EXTRA.length)] = JSON.parse(value as string);
    else change[field] = value;
  }
  return change;
}

/**
 * A history entry from a stream entry (`[id, [field, value, ...]]`) the write script added.
 *
 * @example
 * decodeEntry(['1764490000000-0', ['f', 'beta', 'a', 'toggle', ...]]);
 */
export function decodeEntry([id, flat]: [string, string[]]): HistoryEntry {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) f.set(flat[i]!, flat[i + 1]!);
  const reason = f.get('r') ?? '';
  const reverts = f.get('x') ?? '';
  return {
    id,
    at: Number(f.get('t')),
    feature: f.get('f') ?? '',
    action: (f.get('a') ?? 'update') as HistoryAction,
    actor: f.get('w') ?? '',
    ...(reason ? { reason } : {}),
    source: (f.get('s') ?? 'api') as HistorySource,
    ...(reverts ? { reverts } : {}),
    before: decodeChange(f.get('b') ?? 'null'),
    after: decodeChange(f.get('n') ?? 'null'),
  };
}
