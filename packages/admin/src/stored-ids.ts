import { InvalidArgumentError, type ListIdsOptions, type Rollout } from '@hanoi/core';

/**
 * Where a list of ids kept in the store (not held by the process) is in
 * its pages: the cursor of the page shown (`undefined`: the first) and
 * those of the pages before it, oldest first (`''` is the first page), so
 * "Previous" needs no store call. The trail keeps the last `MAX_TRAIL`.
 */
export interface IdCursor {
  current: string | undefined;
  back: string[];
  /** The cursor of the page after this one, when one follows. */
  next?: string;
}

/** How many earlier pages "Previous" can step back through. */
export const MAX_TRAIL = 20;

/** The longest cursor (or trail) a query may carry. */
const MAX_CURSOR_QUERY = 16_384;

/**
 * The cursor state of list `key` from the query: `<key>_after` and
 * `<key>_back` (a JSON list); anything else reads as the first page.
 *
 * @example
 * cursorOf(new URLSearchParams('users_after=u-49'), 'users'); // { current: 'u-49', back: [] }
 */
export function cursorOf(query: URLSearchParams, key: string): IdCursor {
  const after = query.get(`${key}_after`) ?? '';
  const trail = query.get(`${key}_back`) ?? '';
  let back: string[] = [];
  if (trail !== '' && trail.length <= MAX_CURSOR_QUERY) {
    try {
      const parsed: unknown = JSON.parse(trail);
      if (Array.isArray(parsed) && parsed.every((c) => typeof c === 'string')) back = parsed.slice(-MAX_TRAIL);
    } catch {
      back = [];
    }
  }
  return { current: after === '' || after.length > MAX_CURSOR_QUERY ? undefined : after, back };
}

/**
 * The query of a page of list `key`: the next one (`'next'`) or the one
 * before (`'prev'`), from the cursor state of the page shown.
 *
 * @example
 * cursorQuery('users', cursor, 'next'); // { users_after: 'u-99', users_back: '[""]' }
 */
export function cursorQuery(key: string, cursor: IdCursor, to: 'next' | 'prev'): Record<string, string> {
  if (to === 'next') {
    const back = [...cursor.back, cursor.current ?? ''].slice(-MAX_TRAIL);
    return { [`${key}_after`]: cursor.next ?? '', [`${key}_back`]: JSON.stringify(back) };
  }
  const back = cursor.back.slice(0, -1);
  return {
    [`${key}_after`]: cursor.back[cursor.back.length - 1] ?? '',
    [`${key}_back`]: back.length > 0 ? JSON.stringify(back) : '',
  };
}

/** One page of a list of ids the store keeps: the ids, the store's count (when it knows it cheaply), where it is. */
export interface StoredIdPage {
  ids: string[];
  total: number | undefined;
  cursor: IdCursor;
}

/**
 * One page of a feature's listed users or deny list, or of a segment's
 * units, read from the store with `rollout.listIds`: one bounded read,
 * never the whole list. A cursor the store does not take (an edited
 * address) reads as the first page.
 *
 * @example
 * await storedIds(rollout, { feature: 'beta', list: 'deny' }, '', cursorOf(ctx.query, 'deny'), 50);
 */
export async function storedIds(
  rollout: Rollout<string>,
  target: Pick<ListIdsOptions, 'feature' | 'segment' | 'list'>,
  search: string,
  cursor: IdCursor,
  size: number,
): Promise<StoredIdPage> {
  const ask = (after: string | undefined) =>
    rollout.listIds({
      ...target,
      limit: size,
      ...(after !== undefined ? { after } : {}),
      ...(search !== '' ? { contains: search } : {}),
    });
  let at = cursor;
  let page;
  try {
    page = await ask(cursor.current);
  } catch (err) {
    if (!(err instanceof InvalidArgumentError) || cursor.current === undefined) throw err;
    at = { current: undefined, back: [] };
    page = await ask(undefined);
  }
  return {
    ids: [...page.ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    total: page.total,
    cursor: { ...at, ...(page.next !== undefined ? { next: page.next } : {}) },
  };
}
