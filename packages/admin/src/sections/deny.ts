import { idList, idListActions, idListQuery } from '../id-list';
import { featureUrl } from '../page-context';
import { listPage, type HeldIds } from '../user-pages';
import { hasTargeting } from '../targeting-support';
import type { FeatureSection, SectionArgs } from './section';

/**
 * The ids a feature's deny list holds where the process holds them (walked
 * in place); `undefined` for a list kept in the store (the lookup stores),
 * which is paged there. A feature without targeting has none.
 */
function deniedIds({ state }: SectionArgs): HeldIds | undefined {
  if (!state.targeting) return { ids: [], count: 0 };
  if (state.targeting.deniedInStore) return undefined;
  return { ids: state.targeting.denied, count: state.targeting.denied.size };
}

/**
 * The deny list: units that never get the feature, whatever else says so
 * (100%, listed users, patterns, rules). Paged and searchable like the
 * listed users; denied and undenied one by one.
 */
export const denySection: FeatureSection = {
  id: 'deny',
  available: hasTargeting,
  async render(args) {
    const { ctx, name, form } = args;
    const { search, page } = idListQuery(ctx, 'deny');
    const target = { feature: name, list: 'deny' } as const;
    const found = await listPage(ctx.config.rollout, target, deniedIds(args), 'deny', ctx.query, search, page);
    return idList(
      {
        ctx,
        form,
        key: 'deny',
        heading: 'Deny list',
        intro: 'They never have the feature, whatever the percentage, listed users, patterns or rules say.',
        noun: 'denied id',
        searched: 'containing',
        searchLabel: 'Search the deny list',
        pagesLabel: 'Pages of the deny list',
        here: (query) => featureUrl(ctx, name, '', query),
        remove: { action: featureUrl(ctx, name, '/undeny'), label: 'Undeny' },
        add: { action: featureUrl(ctx, name, '/deny'), field: 'deny', label: 'Deny ids', button: 'Deny' },
      },
      found,
      search,
    );
  },
  actions: idListActions(
    'deny',
    { key: 'deny', done: 'The ids are denied.', write: (r, name, ids) => r.deny(name, ids) },
    { key: 'undeny', done: 'The id is taken off the deny list.', write: (r, name, id) => r.undeny(name, id) },
  ),
};
