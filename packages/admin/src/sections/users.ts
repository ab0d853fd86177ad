import { MAX_USER_ID_LENGTH } from '@hanoi/core';
import { count } from '../describe';
import { field, postForm } from '../forms';
import { html } from '../html';
import { pageNumber, pager } from '../pager';
import { featureUrl } from '../page-context';
import { pageOfUsers } from '../user-pages';
import { refusedAs } from './field-errors';
import type { FeatureSection } from './section';

const USERS_PER_PAGE = 50;
const MAX_USERS_AT_ONCE = 10_000;

/** Users that always have the feature while it is on: paged, searchable, added and removed. */
export const usersSection: FeatureSection = {
  id: 'users',
  available: () => true,
  async render({ ctx, name, state, form }) {
    const search = (ctx.query.get('users_q') ?? '').slice(0, MAX_USER_ID_LENGTH * 4);
    const page = await pageOfUsers(
      ctx.config.rollout,
      name,
      search,
      pageNumber(ctx.query, 'users_page'),
      USERS_PER_PAGE,
    );
    const link = (n: number) => featureUrl(ctx, name, '', { users_q: search, users_page: n }) + '#users-heading';
    const rows = page.ids.map(
      (id) =>
        html`<li>
          <code>${id}</code> ${postForm(
            ctx,
            featureUrl(ctx, name, '/remove-user'),
            html`<input type="hidden" name="user" value="${id}" /><button
                type="submit"
                class="secondary"
                aria-label="${`Remove ${id}`}"
              >
                Remove
              </button>`,
            'inline',
          )}
        </li>`,
    );
    const summary =
      search === ''
        ? count(page.total, 'listed user')
        : html`${count(page.total, 'listed user')} whose id contains <code>${search}</code>`;
    return html`<section aria-labelledby="users-heading">
      <h2 id="users-heading">Listed users</h2>
      <p>
        They have the feature while it is switched on, whatever the
        percentage.${state.enabled ? '' : ' (It is switched off now.)'}
      </p>
      <form method="get" action="${featureUrl(ctx, name)}#users-heading" class="row" role="search">
        <div class="field">
          <label for="users_q">Search listed users</label>
          <input type="search" id="users_q" name="users_q" value="${search}" />
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
      ${pager('Pages of listed users', page.page, page.pages, link)}
      ${postForm(
        ctx,
        featureUrl(ctx, name, '/add-users'),
        html`${field(form, {
            id: 'users',
            name: 'users',
            label: 'Add users',
            hint: 'One user id per line.',
            textarea: true,
            required: true,
          })}<button type="submit">Add users</button>`,
      )}
    </section>`;
  },
  actions: {
    'add-users': {
      done: 'The users are added.',
      async run({ rollout, name, form }) {
        const ids = (form.get('users') ?? '')
          .split(/\r?\n/)
          .map((line) => line.trim())
          .filter(Boolean);
        if (ids.length === 0) return { field: 'users', message: 'Enter at least one user id, one per line.' };
        if (ids.length > MAX_USERS_AT_ONCE) {
          return {
            field: 'users',
            message: `Add at most ${MAX_USERS_AT_ONCE} users at once (the command line takes more).`,
          };
        }
        return refusedAs('users', () => rollout.register(name, ids));
      },
    },
    'remove-user': {
      done: 'The user is removed.',
      async run({ rollout, name, form }) {
        return refusedAs('users', () => rollout.unregister(name, form.get('user') ?? ''));
      },
    },
  },
};
