import type { Rollout } from '@hanoi/core';

/** One page of a feature's listed users. */
export interface UserPage {
  ids: string[];
  /** How many users match the search (all of them without one). */
  total: number;
  /** 1-based, clamped to the pages there are. */
  page: number;
  pages: number;
}

/**
 * One page of the users listed on a feature, those whose id contains
 * `search`, in the store's order.
 *
 * Users a process holds in memory (`MemoryBackend`) are walked in place,
 * never copied: page 1 of a million costs a page, and a search costs one
 * pass. Users that only the store holds (Redis) come from `getFunc`, the
 * one read the store contract offers, whole, then paged here; a paged read
 * in the store contract would make that cheap too.
 *
 * @example
 * const { ids, total } = await pageOfUsers(rollout, 'beta', '', 1, 50);
 */
export async function pageOfUsers(
  rollout: Rollout<string>,
  name: string,
  search: string,
  page: number,
  size: number,
): Promise<UserPage> {
  const state = rollout.peek(name);
  let users: Iterable<string>;
  let known: number;
  if (state?.users) {
    users = state.users;
    known = state.users.size;
  } else if (state && !state.hasUsers) {
    users = [];
    known = 0;
  } else {
    const all = (await rollout.getFunc(name))?.users ?? [];
    users = all;
    known = all.length;
  }
  return pageOf(users, known, search, page, size);
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
