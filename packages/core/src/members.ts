import type { FeatureData, MemberList, MembersPage, MembersQuery } from './store';

/** The most ids one page of a list holds. */
export const MAX_MEMBERS_LIMIT = 1000;

/**
 * One page of `ids` (walked once, never copied whole): the `limit`
 * smallest ids after `query.after` that contain `query.contains`, in the
 * order of the ids (UTF-16 code units, as `Array.prototype.sort`), with
 * how many match. What MemoryStore answers, and what core answers for a
 * store without `members`.
 *
 * @example
 * pageOfMembers(new Set(['b', 'a', 'c']), { list: 'users', limit: 2 }); // { ids: ['a', 'b'], next: 'b', ordered: true, total: 3 }
 */
export function pageOfMembers(ids: Iterable<string>, query: MembersQuery): MembersPage {
  const { after, limit } = query;
  const contains = query.contains ?? '';
  let total = 0;
  let kept: string[] = [];
  for (const id of ids) {
    if (contains !== '' && !id.includes(contains)) continue;
    total += 1;
    if (after !== undefined && id <= after) continue;
    kept.push(id);
    // Keep the smallest limit + 1 (one more says whether a page follows), trimmed now and then: n log k.
    if (kept.length >= 4 * (limit + 1)) kept = smallest(kept, limit + 1);
  }
  kept = smallest(kept, limit + 1);
  const page = kept.slice(0, limit);
  return {
    ids: page,
    ...(kept.length > limit ? { next: page[page.length - 1]! } : {}),
    ordered: true,
    total,
  };
}

/**
 * The ids of an entry's list, as `members` pages them: its users (a
 * segment's units), or its deny list (the data field `deny`); none for an
 * entry that does not exist.
 *
 * @example
 * pageOfMembers(idsOf(entry, 'deny'), { list: 'deny', limit: 50 });
 */
export function idsOf(
  entry: { readonly users?: Iterable<string>; readonly data: FeatureData } | undefined,
  list: MemberList,
): Iterable<string> {
  if (!entry) return [];
  if (list === 'users') return entry.users ?? [];
  const deny = entry.data.deny;
  return Array.isArray(deny) ? (deny as string[]) : [];
}

function smallest(ids: string[], count: number): string[] {
  return ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, count);
}
