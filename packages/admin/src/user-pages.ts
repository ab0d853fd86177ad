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
  let known: number | undefined;
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
  if (search === '') {
    const pages = Math.max(1, Math.ceil(known / size));
    const current = Math.min(Math.max(1, page), pages);
    return { ids: slice(users, (current - 1) * size, size), total: known, page: current, pages };
  }
  // A search counts its matches in one pass and keeps the requested page's worth.
  const start = (Math.max(1, page) - 1) * size;
  const ids: string[] = [];
  let total = 0;
  for (const id of users) {
    if (!id.includes(search)) continue;
    if (total >= start && ids.length < size) ids.push(id);
    total += 1;
  }
  const pages = Math.max(1, Math.ceil(total / size));
  if (page > pages) return pageOfUsers(rollout, name, search, pages, size);
  return { ids, total, page: Math.max(1, page), pages };
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
