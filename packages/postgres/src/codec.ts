import type {
  DamagedFeature,
  FeatureData,
  HistoryAction,
  HistoryChange,
  HistoryEntry,
  HistorySource,
  PatternSpec,
  StoredFeature,
} from '@hanoi/core';

/** A feature row as the store's queries return it. */
export interface FeatureRow {
  name: string;
  epoch: string;
  v: string | number;
  data: unknown;
  user_count: string | number;
  /** `[[source, flags], ...]` */
  patterns: unknown;
  users?: string[] | null;
  /** The deny list (encoded ids), when the query read it. */
  deny?: string[] | null;
  /** The deny list's size, when the query counted it. */
  denied_count?: string | number | null;
}

/**
 * Why `data` is not a feature's data (something else wrote the row), or
 * undefined when it is. Fields it does not know are data: kept as they are.
 */
export function whyDamaged(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'the data is not a JSON object';
  const { enabled, percentage, variants } = data as Record<string, unknown>;
  if (typeof enabled !== 'boolean') return 'enabled is not a boolean';
  if (typeof percentage !== 'number' || !Number.isInteger(percentage) || percentage < 0 || percentage > 100) {
    return `the percentage ${JSON.stringify(percentage)} is not 0..100`;
  }
  if (
    !Array.isArray(variants) ||
    !variants.every((v) => typeof v?.name === 'string' && typeof v?.weight === 'number')
  ) {
    return 'the variants are not a list of { name, weight }';
  }
  return undefined;
}

function decodePatterns(value: unknown): PatternSpec[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const patterns: PatternSpec[] = [];
  for (const pair of value) {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') return undefined;
    patterns.push({ source: decodeText(pair[0]), flags: pair[1] });
  }
  return patterns;
}

/**
 * A stored feature from its row; a row that cannot be read is a
 * `DamagedFeature`: only that feature is affected. `epoch` is the head's:
 * a feature last written in another epoch reads with `v` 0.
 *
 * @example
 * decodeRow(row, 'a1b2', true); // { name: 'beta', v: 12, data, patterns, userCount, users }
 */
export function decodeRow(row: FeatureRow, epoch: string, withUsers: boolean): StoredFeature | DamagedFeature {
  const damaged = whyDamaged(row.data);
  if (damaged) return { name: row.name, damaged };
  const patterns = decodePatterns(row.patterns);
  if (!patterns) return { name: row.name, damaged: 'the patterns are not [source, flags] pairs' };
  return {
    name: row.name,
    v: row.epoch === epoch ? Number(row.v) : 0,
    data: withDeny(decodeData(row.data) as FeatureData, row.deny),
    patterns,
    userCount: Number(row.user_count),
    ...(withUsers ? { users: (row.users ?? []).map(decodeText) } : {}),
    ...(row.deny == null && row.denied_count != null ? { deniedCount: Number(row.denied_count) } : {}),
  };
}

/** `data` with the deny list read from its table (sorted, as every store keeps it); as it is when none was read. */
function withDeny(data: FeatureData, deny: string[] | null | undefined): FeatureData {
  if (deny == null) return data;
  const { deny: _stale, ...rest } = data;
  return deny.length > 0 ? { ...rest, deny: deny.map(decodeText).sort() } : (rest as FeatureData);
}

/**
 * A feature's data as the jsonb column holds it: jsonb cannot hold NUL
 * either, so the ids of the deny list (user ids) are stored as `encodeText`
 * writes them; every other field as it is.
 *
 * @example
 * encodeData({ enabled: true, percentage: 0, variants: [], deny: ['a\u0000b'] }); // '{..."deny":["a\\0b"]}'
 */
export function encodeData(data: FeatureData): string {
  return JSON.stringify(Array.isArray(data.deny) ? { ...data, deny: data.deny.map(mapString(encodeText)) } : data);
}

/** The inverse of `encodeData`, on the column's parsed value (anything else is left as it is). */
export function decodeData(data: unknown): unknown {
  const deny: unknown = typeof data === 'object' && data !== null ? (data as FeatureData).deny : undefined;
  return Array.isArray(deny) ? { ...(data as object), deny: deny.map(mapString(decodeText)) } : data;
}

const mapString = (fn: (text: string) => string) => (value: unknown) => (typeof value === 'string' ? fn(value) : value);

/** The NOTIFY payload of a write: `<epoch> <version> <name>` (names hold no whitespace). */
export function changePayload(epoch: string, version: number, name: string): string {
  return `${epoch} ${version} ${name}`;
}

/**
 * Reads a NOTIFY payload: a change, `'reset'` (a table was truncated), or
 * undefined for anything else.
 *
 * @example
 * parsePayload('3f9a 12 beta'); // { epoch: '3f9a', version: 12, name: 'beta' }
 */
export function parsePayload(text: string): { epoch: string; version: number; name: string } | 'reset' | undefined {
  if (text === 'reset') return 'reset';
  const first = text.indexOf(' ');
  const second = text.indexOf(' ', first + 1);
  if (first <= 0 || second <= first + 1) return undefined;
  const version = Number(text.slice(first + 1, second));
  const name = text.slice(second + 1);
  return Number.isInteger(version) && name.length > 0 ? { epoch: text.slice(0, first), version, name } : undefined;
}

/**
 * A user id (or pattern source) as a text column holds it. PostgreSQL text
 * cannot hold NUL, which a user id may contain: `\` is stored as `\\` and
 * NUL as `\0`, a one-to-one mapping that leaves every other id as it is.
 *
 * @example
 * encodeText('a\u0000b'); // 'a\\0b'
 */
export function encodeText(text: string): string {
  return /[\\\0]/.test(text) ? text.replace(/[\\\0]/g, (c) => (c === '\\' ? '\\\\' : '\\0')) : text;
}

/** The inverse of `encodeText`. */
export function decodeText(text: string): string {
  return text.includes('\\') ? text.replace(/\\([\\0])/g, (_, c: string) => (c === '0' ? '\0' : '\\')) : text;
}

/** A row of the history table as the store's query returns it. */
export interface HistoryRow {
  id: string;
  at: number;
  feature: string;
  action: string;
  actor: string;
  reason: string | null;
  source: string;
  reverts: string | null;
  /** JSON text, or null. */
  before: string | null;
  after: string | null;
  dropped?: string | number | null;
}

/** One side of an entry from its JSON text; text that is not a JSON object reads as `{ damaged }`. */
function decodeChange(text: string | null): HistoryChange | null {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as HistoryChange;
  } catch {
    // falls through
  }
  return { damaged: 'the entry is not JSON' };
}

/**
 * A history entry from its row.
 *
 * @example
 * decodeEntry(row); // { id: '42', at: 1764490000000, feature: 'beta', action: 'toggle', ... }
 */
export function decodeEntry(row: HistoryRow): HistoryEntry {
  return {
    id: row.id,
    at: Math.round(Number(row.at)),
    feature: row.feature,
    action: row.action as HistoryAction,
    actor: decodeText(row.actor),
    ...(row.reason !== null ? { reason: decodeText(row.reason) } : {}),
    source: row.source as HistorySource,
    ...(row.reverts !== null ? { reverts: row.reverts } : {}),
    before: decodeChange(row.before),
    after: decodeChange(row.after),
  };
}
