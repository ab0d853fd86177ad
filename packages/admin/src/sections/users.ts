import { html } from '../html';
import { idList, idListActions, idListQuery } from '../id-list';
import { featureUrl } from '../page-context';
import { listPage } from '../user-pages';
import type { FeatureSection } from './section';

const NONE = { ids: [], count: 0 };

/** Users that always have the feature while it is on: paged, searchable, added and removed. */
export const usersSection: FeatureSection = {
  id: 'users',
  available: () => true,
  async render({ ctx, name, state, form }) {
    const { search, page } = idListQuery(ctx, 'users');
    // Held in memory (or none): walked in place; kept in the store: a page read from it.
    const held = state.users ? { ids: state.users, count: state.users.size } : state.hasUsers ? undefined : NONE;
    const found = await listPage(ctx.config.rollout, { feature: name }, held, 'users', ctx.query, search, page);
    return idList(
      {
        ctx,
        form,
        key: 'users',
        heading: 'Listed users',
        intro: html`They have the feature while it is switched on, whatever the
        percentage.${state.enabled ? '' : ' (It is switched off now.)'}`,
        noun: 'listed user',
        searched: 'whose id contains',
        searchLabel: 'Search listed users',
        pagesLabel: 'Pages of listed users',
        here: (query) => featureUrl(ctx, name, '', query),
        remove: { action: featureUrl(ctx, name, '/remove-user'), label: 'Remove' },
        add: {
          action: featureUrl(ctx, name, '/add-users'),
          field: 'users',
          label: 'Add users',
          button: 'Add users',
          what: 'user id',
        },
      },
      found,
      search,
    );
  },
  actions: idListActions(
    'users',
    { key: 'add-users', done: 'The users are added.', what: 'user id', write: (r, name, ids) => r.register(name, ids) },
    { key: 'remove-user', done: 'The user is removed.', write: (r, name, id) => r.unregister(name, id) },
  ),
};
