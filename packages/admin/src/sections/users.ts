import { html } from '../html';
import { idList, idListActions, idListQuery, IDS_PER_PAGE } from '../id-list';
import { featureUrl } from '../page-context';
import { pageOfUsers } from '../user-pages';
import type { FeatureSection } from './section';

/** Users that always have the feature while it is on: paged, searchable, added and removed. */
export const usersSection: FeatureSection = {
  id: 'users',
  available: () => true,
  async render({ ctx, name, state, form }) {
    const { search, page } = idListQuery(ctx, 'users');
    const found = await pageOfUsers(ctx.config.rollout, name, search, page, IDS_PER_PAGE);
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
