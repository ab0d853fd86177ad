import { MAX_USER_ID_LENGTH, type ListIdsOptions, type Rollout } from '@hanoi/core';
import { IDS_PER_PAGE } from './id-list';
import { cursorOf, storedIds, type StoredIdPage } from './stored-ids';

/** One page of a feature's listed users. */
export interface UserPage {
  ids: string[];
  /** How many users match the search (all of them without one). */
  total: number;
  /** 1-based, clamped to the pages there are. */
  page: number;
  pages: number;
}

/** Ids a process holds in memory, walked in place, and how many there are. */
export interface HeldIds {
  ids: Iterable<string>;
  count: number;
}

/**
 * One page of a list of ids (a feature's listed users or deny list, a
 * segment's units), as list `key` of the page asks for it (`<key>_q`,
 * `<key>_page`, `<key>_after`). Ids the process holds (`held`) are walked
 * in place, never copied: page 1 of a million costs a page, and a search
 * one pass; they get page numbers. Ids only the store keeps (`held`
 * undefined: RedisHighPerfBackend, PostgreSQL with `lookupUsers`) come a
 * page at a time from `rollout.listIds`, one bounded read, never the whole
 * list; they page with the store's cursors.
 *
 * @example
 * await listPage(rollout, { feature: 'beta' }, undefined, 'users', ctx.query);
 */
export async function listPage(
  rollout: Rollout<string>,
  target: Pick<ListIdsOptions, 'feature' | 'segment' | 'list'>,
  held: HeldIds | undefined,
  key: string,
  query: URLSearchParams,
  search: string,
  page: number,
): Promise<UserPage | StoredIdPage> {
  if (held) return pageOf(held.ids, held.count, search, page, IDS_PER_PAGE);
  // No id is longer than MAX_USER_ID_LENGTH: a longer search finds nothing.
  if (search.length > MAX_USER_ID_LENGTH) return { ids: [], total: 0, cursor: { current: undefined, back: [] } };
  return storedIds(rollout, target, search, cursorOf(query, key), IDS_PER_PAGE);
}

/**
 * One page of `ids`, those containing `search`: without a search, `known`
 * (how many there are) lets it stop at the end of the page asked for; with
 * one, it counts the matches in one pass. Never copies `ids`.
 *
 * @example
 * pageOf(segment.users, segment.users.size, '', 1, 50);
 */
export function pageOf(ids: Iterable<string>, known: number, search: string, page: number, size: number): UserPage {
  if (search === '') {
    const pages = Math.max(1, Math.ceil(known / size));
    const current = Math.min(Math.max(1, page), pages);
    return { ids: slice(ids, (current - 1) * size, size), total: known, page: current, pages };
  }
  return pageOfIds(ids, search, page, size);
}

/**
 * One page of `ids` (walked, never copied), those containing `search`; a
 * page past the last is the last. A search counts its matches in one pass
 * and keeps the requested page's worth.
 *
 * @example
 * pageOfIds(new Set(['a1', 'b2', 'a3']), 'a', 1, 50); // { ids: ['a1', 'a3'], total: 2, page: 1, pages: 1 }
 */
export function pageOfIds(ids: Iterable<string>, search: string, page: number, size: number): UserPage {
  const found = matching(ids, search, Math.max(1, page), size);
  const pages = Math.max(1, Math.ceil(found.total / size));
  if (page > pages) return { ...matching(ids, search, pages, size), page: pages, pages };
  return { ...found, page: Math.max(1, page), pages };
}

function matching(
  users: Iterable<string>,
  search: string,
  page: number,
  size: number,
): { ids: string[]; total: number } {
  const start = (page - 1) * size;
  const ids: string[] = [];
  let total = 0;
  for (const id of users) {
    if (!id.includes(search)) continue;
    if (total >= start && ids.length < size) ids.push(id);
    total += 1;
  }
  return { ids, total };
}

function slice(users: Iterable<string>, start: number, size: number): string[] {
  const ids: string[] = [];
  let index = 0;
  for (const id of users) {
    if (index >= start) {
      ids.push(id);
      if (ids.length === size) break;
    }
    index += 1;
  }
  return ids;
}
