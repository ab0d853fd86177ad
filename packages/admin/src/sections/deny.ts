import { idList, idListActions, idListQuery, IDS_PER_PAGE } from '../id-list';
import { featureUrl } from '../page-context';
import { pageOfIds } from '../user-pages';
import { hasTargeting } from '../targeting-support';
import type { FeatureSection, SectionArgs } from './section';

/**
 * The ids a feature's deny list holds, walked in place: the process holds
 * every feature's targeting (deny list included) whatever the store, and a
 * feature without any has none. Never `getFunc`, which copies every listed
 * user to read the deny list.
 */
function deniedIds({ state }: SectionArgs): Iterable<string> {
  return state.targeting?.denied ?? [];
}

/**
 * The deny list: units that never get the feature, whatever else says so
 * (100%, listed users, patterns, rules). Paged and searchable like the
 * listed users; denied and undenied one by one.
 */
export const denySection: FeatureSection = {
  id: 'deny',
  available: hasTargeting,
  render(args) {
    const { ctx, name, form } = args;
    const { search, page } = idListQuery(ctx, 'deny');
    const found = pageOfIds(deniedIds(args), search, page, IDS_PER_PAGE);
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
