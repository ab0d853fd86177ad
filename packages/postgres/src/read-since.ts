import type { HistoryChange, PatternChange, PatternSpec, StoreHead, UserChange } from '@hanoi/core';
import type { FeatureRow } from './codec';
import type { Tables } from './schema';

/**
 * How far back another process's reload takes what changed (`readSince`):
 * at most this many history entries, and this many bytes of them; beyond,
 * it reads the feature whole. The same bounds as the Redis store's.
 */
export const SINCE_ENTRIES = 100;
export const SINCE_BYTES = 256 * 1024;

/** One entry of the chain as the statement returns it: [version, previous version, part, before, after, bytes so far]. */
type ChainLink = [number | null, number | null, number | null, string | null, string | null, number];

/** The row of a `readSince` statement: the head, the feature without users or patterns, and the chain. */
export type SinceRow = { head_epoch: string | null; head_version: string | null } & Partial<FeatureRow> & {
    chain: ChainLink[] | null;
  };

/**
 * The statement of `readSince`, in one snapshot: the head, the feature's
 * row (its deny list, or its size, as `withDeny` says; no users, no
 * patterns) and, newest first, the feature's history entries of the head's
 * epoch back to the first write after the held version, each found by its
 * link to the one before (a primary-key probe). The walk stops at the
 * bounds; an entry beyond the bytes bound comes without its text. For a
 * process that looks users up, only entries that changed patterns carry
 * their text and count (their JSON has the key "patterns": a quote inside a
 * value is escaped, so only a key matches).
 *
 * Parameters: $1 name, $2 epoch held, $3 version held, $4 entries bound,
 * $5 bytes bound, $6 whether the process holds users.
 */
export function readSinceSql(t: Tables): string {
  const counted = `($6 OR strpos(h.before, '"patterns":') > 0 OR strpos(h.after, '"patterns":') > 0)`;
  const size = `CASE WHEN ${counted} THEN coalesce(octet_length(h.before), 0) + coalesce(octet_length(h.after), 0) ELSE 0 END`;
  const columns = `h.id, h.version, h.previous_version, h.part, h.previous_entry, CASE WHEN ${counted} THEN h.before END AS before, CASE WHEN ${counted} THEN h.after END AS after`;
  return `WITH RECURSIVE chain AS (
      SELECT ${columns}, 1 AS n, ${size} AS bytes
      FROM ${t.history} h
      WHERE h.id = (SELECT max(id) FROM ${t.history} WHERE feature = $1) AND h.epoch = $2 AND h.version > $3
    UNION ALL
      SELECT ${columns}, c.n + 1, c.bytes + ${size}
      FROM chain c JOIN ${t.history} h ON h.id = c.previous_entry
      WHERE NOT (c.part = 0 AND c.previous_version <= $3) AND c.n <= $4 AND c.bytes <= $5
        AND h.feature = $1 AND h.epoch = $2 AND h.version > $3
    )
    SELECT hd.epoch AS head_epoch, hd.version AS head_version, f.name, f.epoch, f.v, f.data, f.user_count,
      '[]'::json AS patterns,
      CASE WHEN $6 THEN (SELECT coalesce(array_agg(d.unit), '{}') FROM ${t.denied} d WHERE d.feature = f.name) END AS deny,
      CASE WHEN NOT $6 THEN (SELECT count(*) FROM ${t.denied} d WHERE d.feature = f.name) END AS denied_count,
      (SELECT json_agg(json_build_array(c.version, c.previous_version, c.part,
          CASE WHEN c.bytes <= $5 THEN c.before END, CASE WHEN c.bytes <= $5 THEN c.after END, c.bytes) ORDER BY c.n)
        FROM chain c) AS chain
    FROM (SELECT 1) one
    LEFT JOIN ${t.head} hd ON true
    LEFT JOIN ${t.features} f ON f.name = $1`;
}

/** What every write since the held version did, oldest first; undefined when the chain does not reach it exactly. */
export interface SinceChanges {
  readonly users: UserChange[];
  readonly patterns: PatternChange[];
}

/**
 * Follows the chain from the feature's version `v` back to the held
 * version `since.version`: each write's entries must all be there (their
 * parts down to 0, in order), each write's version must be the one the
 * write after it started from, and none may be over the bounds. Anything
 * else (an entry retention dropped, one an earlier version wrote without
 * links, a write that created the feature anew) is undefined: read whole.
 *
 * @example
 * sinceChanges([[7, 5, 0, null, '{"users":["u1"]}', 17]], 7, { epoch: 'e', version: 5 });
 * // { users: [{ added: ['u1'], removed: [] }], patterns: [] }
 */
export function sinceChanges(
  chain: readonly ChainLink[],
  v: number,
  since: StoreHead,
  withUsers: boolean,
): SinceChanges | undefined {
  const users: UserChange[] = [];
  const patterns: PatternChange[] = [];
  let want = v;
  let part: number | undefined; // the part the next entry must have, within a write
  let i = 0;
  while (want !== since.version) {
    const link = chain[i++];
    if (!link || i > SINCE_ENTRIES || link[5] > SINCE_BYTES) return undefined;
    const [version, previous, place, before, after] = link;
    if (version === null || previous === null || place === null || Number(version) !== want) return undefined;
    if (part !== undefined && place !== part) return undefined;
    if (before !== null || after !== null) {
      const b = parseSide(before);
      const a = parseSide(after);
      if (b === undefined || a === undefined) return undefined;
      if (withUsers) users.push({ added: strings(a?.users), removed: strings(b?.users) });
      if (b?.patterns !== undefined || a?.patterns !== undefined) {
        patterns.push({ added: specs(a?.patterns), removed: specs(b?.patterns) });
      }
    } else if (withUsers) {
      return undefined; // a process that holds users gets every entry's text
    }
    if (place === 0) {
      want = Number(previous);
      part = undefined;
      if (want < since.version) return undefined;
    } else {
      part = place - 1;
    }
  }
  return { users: users.reverse(), patterns: patterns.reverse() };
}

/** One side of an entry: null, an object, or undefined when it is not JSON of one. */
function parseSide(text: string | null): HistoryChange | null | undefined {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && !Array.isArray(value) ? (value as HistoryChange | null) : undefined;
  } catch {
    return undefined;
  }
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function specs(value: unknown): PatternSpec[] {
  return Array.isArray(value)
    ? value.filter(
        (item): item is PatternSpec =>
          typeof item === 'object' &&
          item !== null &&
          typeof (item as PatternSpec).source === 'string' &&
          typeof (item as PatternSpec).flags === 'string',
      )
    : [];
}
