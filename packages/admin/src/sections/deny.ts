import { idList, idListActions, idListQuery, IDS_PER_PAGE } from '../id-list';
import { featureUrl } from '../page-context';
import { pageOfIds } from '../user-pages';
import { hasTargeting } from '../targeting-support';
import type { FeatureSection, SectionArgs } from './section';

/**
 * The ids a feature's deny list holds, walked in place where the process
 * holds it (every store but the lookup ones, which keep deny lists in the
 * store); a feature without targeting has none. `getFunc` only for a list
 * kept in the store: it copies every listed user.
 */
async function deniedIds({ ctx, name, state }: SectionArgs): Promise<Iterable<string>> {
  if (!state.targeting) return [];
  if (!state.targeting.deniedInStore) return state.targeting.denied;
  return (await ctx.config.rollout.getFunc(name))?.deny ?? [];
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
    const found = pageOfIds(await deniedIds(args), search, page, IDS_PER_PAGE);
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
