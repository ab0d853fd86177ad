import { html } from '../html';
import { idList, idListQuery, idLines, IDS_PER_PAGE } from '../id-list';
import { featureUrl } from '../page-context';
import { pageOfUsers } from '../user-pages';
import { refusedAs } from './field-errors';
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
  actions: {
    'add-users': {
      done: 'The users are added.',
      async run({ rollout, name, form }) {
        const ids = idLines(form, 'users', 'user id');
        if (!Array.isArray(ids)) return ids;
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
