import { MAX_USER_ID_LENGTH, type Rollout } from '@hanoi/core';
import { count } from './describe';
import { field, postForm } from './forms';
import { html, type SafeHtml } from './html';
import type { FormState, PageContext } from './page-context';
import { pageNumber, pager } from './pager';
import { refusedAs } from './sections/field-errors';
import type { FieldError, SectionAction } from './sections/section';
import { cursorQuery, type StoredIdPage } from './stored-ids';
import type { UserPage } from './user-pages';

/** How many ids a list shows at a time. */
export const IDS_PER_PAGE = 50;

/** The most ids one form adds at once. */
export const MAX_IDS_AT_ONCE = 10_000;

/** What a list of ids on a page is called and where its forms post. */
export interface IdListSpec {
  ctx: PageContext;
  form: FormState;
  /** The prefix of its query keys and ids: `users` reads `users_q` and `users_page`. */
  key: string;
  heading: string;
  intro: SafeHtml | string;
  /** The noun counted: `listed user` gives "3 listed users". */
  noun: string;
  /** What the summary says of a search: `whose id contains`. */
  searched: string;
  searchLabel: string;
  pagesLabel: string;
  /** The page's own address, with its query: where searches and pages go. */
  here(query: Record<string, string | number>): string;
  /** Where the button beside each id posts (`user=<id>`), and what it says. */
  remove: { action: string; label: string };
  /** The form that adds ids, one per line: where it posts, its field's name and label, its button, what an id is. */
  add: { action: string; field: string; label: string; button: string; what?: string };
}

/** The search and page a list of ids is asked for, from the query. */
export function idListQuery(ctx: PageContext, key: string): { search: string; page: number } {
  return {
    search: (ctx.query.get(`${key}_q`) ?? '').slice(0, MAX_USER_ID_LENGTH * 4),
    page: pageNumber(ctx.query, `${key}_page`),
  };
}

/**
 * A section listing ids (listed users, a deny list, a segment's units): a
 * search, one page of ids each with a button that posts it away, the pager
 * and a box to add ids, one per line. Forms vanish in read-only mode.
 *
 * @example
 * idList(spec, await pageOfUsers(rollout, name, search, page, IDS_PER_PAGE), search);
 */
export function idList(spec: IdListSpec, found: UserPage | StoredIdPage, search: string): SafeHtml {
  const { ctx, key } = spec;
  const heading = `${key}-heading`;
  const rows = found.ids.map(
    (id) =>
      html`<li>
        <code>${id}</code> ${postForm(
          ctx,
          spec.remove.action,
          html`<input type="hidden" name="user" value="${id}" /><button
              type="submit"
              class="secondary"
              aria-label="${`${spec.remove.label} ${id}`}"
            >
              ${spec.remove.label}
            </button>`,
          'inline',
        )}
      </li>`,
  );
  const counted = found.total === undefined ? `${spec.noun}s` : count(found.total, spec.noun);
  const summary =
    search === ''
      ? found.total === undefined
        ? `Some ${spec.noun}s`
        : counted
      : html`${found.total === undefined ? `Showing ${counted}` : counted} ${spec.searched} <code>${search}</code>`;
  const link = (n: number) => `${spec.here({ [`${key}_q`]: search, [`${key}_page`]: n })}#${heading}`;
  return html`<section aria-labelledby="${heading}">
    <h2 id="${heading}">${spec.heading}</h2>
    <p>${spec.intro}</p>
    <form method="get" action="${spec.here({})}#${heading}" class="row" role="search">
      <div class="field">
        <label for="${key}_q">${spec.searchLabel}</label>
        <input type="search" id="${key}_q" name="${key}_q" value="${search}" />
      </div>
      <button type="submit" class="secondary">Search</button>
    </form>
    <p>${summary}</p>
    ${
      rows.length > 0
        ? html`<ul class="users">
            ${rows}
          </ul>`
        : ''
    }
    ${'cursor' in found ? storePager(spec, found, search, heading) : pager(spec.pagesLabel, found.page, found.pages, link)}
    ${postForm(
      ctx,
      spec.add.action,
      html`${field(spec.form, {
          id: spec.add.field,
          name: spec.add.field,
          label: spec.add.label,
          hint: `One ${spec.add.what ?? 'id'} per line.`,
          textarea: true,
          required: true,
        })}<button type="submit">${spec.add.button}</button>`,
    )}
  </section>`;
}

/**
 * The pager of a list the store pages: "Previous" and "Next page" links
 * carrying the store's cursors; "Page 3 of 20" where the page number is
 * known (every earlier page is on the trail) and the store counted the list.
 */
function storePager(spec: IdListSpec, found: StoredIdPage, search: string, heading: string): SafeHtml | '' {
  const { key } = spec;
  const { cursor } = found;
  if (cursor.current === undefined && cursor.next === undefined) return '';
  const link = (to: 'next' | 'prev') =>
    `${spec.here({ [`${key}_q`]: search, ...cursorQuery(key, cursor, to) })}#${heading}`;
  const numbered = cursor.current === undefined || cursor.back[0] === '';
  const number = cursor.current === undefined ? 1 : cursor.back.length + 1;
  const pages = found.total === undefined ? undefined : Math.max(1, Math.ceil(found.total / IDS_PER_PAGE));
  const where = numbered ? `Page ${number}${pages !== undefined && number <= pages ? ` of ${pages}` : ''}` : '';
  return html`<nav class="pager" aria-label="${spec.pagesLabel}">
    ${cursor.current !== undefined && cursor.back.length > 0 ? html`<a href="${link('prev')}" rel="prev">Previous</a>` : ''}
    ${cursor.current !== undefined && !numbered ? html`<a href="${spec.here({ [`${key}_q`]: search })}#${heading}">First page</a>` : ''}
    ${where === '' ? '' : html`<span aria-current="page">${where}</span>`}
    ${cursor.next !== undefined ? html`<a href="${link('next')}" rel="next">Next page</a>` : ''}
  </nav>`;
}

/**
 * Reads the ids typed in a form's field, one per line: at least one, at
 * most `MAX_IDS_AT_ONCE`; otherwise the message to show beside the field,
 * which calls an id `what`.
 *
 * @example
 * const ids = idLines(form, 'users'); // ['alice', 'bob'] for "alice\nbob\n"
 */
export function idLines(form: URLSearchParams, name: string, what = 'id'): string[] | FieldError {
  const ids = (form.get(name) ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  if (ids.length === 0) return { field: name, message: `Enter at least one ${what}, one per line.` };
  if (ids.length > MAX_IDS_AT_ONCE) {
    return { field: name, message: `Add at most ${MAX_IDS_AT_ONCE.toLocaleString('en-US')} ${what}s at once.` };
  }
  return ids;
}

/** One of the two writes of a list of ids: its action key, what the page says once it worked, and the call. */
interface IdListWrite<Ids> {
  key: string;
  done: string;
  write(rollout: Rollout<string>, name: string, ids: Ids): Promise<unknown>;
}

/**
 * The two writes of a list of ids: add those typed in `field`, one per line
 * (an id being a `what`), and remove the one posted as `user`; what the
 * Rollout refuses comes back beside `field`.
 *
 * @example
 * idListActions('deny', { key: 'deny', done: 'Denied.', write: (r, n, ids) => r.deny(n, ids) }, { ... });
 */
export function idListActions(
  field: string,
  add: IdListWrite<string[]> & { what?: string },
  remove: IdListWrite<string>,
): Record<string, SectionAction> {
  return {
    [add.key]: {
      done: add.done,
      async run({ rollout, name, form }) {
        const ids = idLines(form, field, add.what);
        if (!Array.isArray(ids)) return ids;
        return refusedAs(field, () => add.write(rollout, name, ids));
      },
    },
    [remove.key]: {
      done: remove.done,
      async run({ rollout, name, form }) {
        return refusedAs(field, () => remove.write(rollout, name, form.get('user') ?? ''));
      },
    },
  };
}
