import { MAX_USER_ID_LENGTH } from '@hanoi/core';
import { count } from '../describe';
import { field, postForm } from '../forms';
import { html } from '../html';
import { pageNumber, pager } from '../pager';
import { featureUrl } from '../page-context';
import { pageOfIds } from '../user-pages';
import { hasTargeting } from '../targeting-support';
import { refusedAs } from './field-errors';
import type { FeatureSection, SectionArgs } from './section';

const DENIED_PER_PAGE = 50;
const MAX_DENIED_AT_ONCE = 10_000;

/** The ids a feature's deny list holds: the held set walked in place, else `getFunc`'s `deny`. */
async function deniedIds({ ctx, name, state }: SectionArgs): Promise<Iterable<string>> {
  if (state.targeting && !state.targeting.deniedInStore) return state.targeting.denied;
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
    const search = (ctx.query.get('deny_q') ?? '').slice(0, MAX_USER_ID_LENGTH * 4);
    const denied = await deniedIds(args);
    const { ids, total, page, pages } = pageOfIds(denied, search, pageNumber(ctx.query, 'deny_page'), DENIED_PER_PAGE);
    const link = (n: number) => featureUrl(ctx, name, '', { deny_q: search, deny_page: n }) + '#deny-heading';
    const rows = ids.map(
      (id) =>
        html`<li>
          <code>${id}</code> ${postForm(
            ctx,
            featureUrl(ctx, name, '/undeny'),
            html`<input type="hidden" name="user" value="${id}" /><button
                type="submit"
                class="secondary"
                aria-label="${`Undeny ${id}`}"
              >
                Undeny
              </button>`,
            'inline',
          )}
        </li>`,
    );
    const summary =
      search === '' ? count(total, 'denied id') : html`${count(total, 'denied id')} containing <code>${search}</code>`;
    return html`<section aria-labelledby="deny-heading">
      <h2 id="deny-heading">Deny list</h2>
      <p>They never have the feature, whatever the percentage, listed users, patterns or rules say.</p>
      <form method="get" action="${featureUrl(ctx, name)}#deny-heading" class="row" role="search">
        <div class="field">
          <label for="deny_q">Search the deny list</label>
          <input type="search" id="deny_q" name="deny_q" value="${search}" />
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
      ${pager('Pages of the deny list', page, pages, link)}
      ${postForm(
        ctx,
        featureUrl(ctx, name, '/deny'),
        html`${field(form, {
            id: 'deny',
            name: 'deny',
            label: 'Deny ids',
            hint: 'One id per line.',
            textarea: true,
            required: true,
          })}<button type="submit">Deny</button>`,
      )}
    </section>`;
  },
  actions: {
    deny: {
      done: 'The ids are denied.',
      async run({ rollout, name, form }) {
        const ids = (form.get('deny') ?? '')
          .split(/\r?\n/)
          .map((line) => line.trim())
          .filter(Boolean);
        if (ids.length === 0) return { field: 'deny', message: 'Enter at least one id, one per line.' };
        if (ids.length > MAX_DENIED_AT_ONCE) {
          return { field: 'deny', message: `Deny at most ${MAX_DENIED_AT_ONCE} ids at once.` };
        }
        return refusedAs('deny', () => rollout.deny(name, ids));
      },
    },
    undeny: {
      done: 'The id is taken off the deny list.',
      async run({ rollout, name, form }) {
        return refusedAs('deny', () => rollout.undeny(name, form.get('user') ?? ''));
      },
    },
  },
};
