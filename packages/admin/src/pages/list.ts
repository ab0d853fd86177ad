import { count, describeFeature } from '../describe';
import { dataTable } from '../data-table';
import { factsOf } from '../feature-facts';
import { html } from '../html';
import { pageResponse } from '../layout';
import { featureUrl, pageUrl, type PageContext } from '../page-context';
import { pageNumber, pager } from '../pager';
import type { AdminResponse } from '../types';

/**
 * The list of features: searchable by name, paged, each with its state in
 * words. Names come from `listFuncs()`, states from what the process holds.
 *
 * @example
 * GET /flags/?q=checkout&page=2
 */
export async function listPage(ctx: PageContext): Promise<AdminResponse> {
  const { rollout, pageSize } = ctx.config;
  const search = (ctx.query.get('q') ?? '').trim().slice(0, 512);
  const needle = search.toLowerCase();
  const all = (await rollout.listFuncs()).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const matching = needle === '' ? all : all.filter((name) => name.toLowerCase().includes(needle));
  const pages = Math.max(1, Math.ceil(matching.length / pageSize));
  const page = Math.min(pageNumber(ctx.query, 'page'), pages);
  const shown = matching.slice((page - 1) * pageSize, page * pageSize);
  const rows = shown.map((name) => {
    const state = rollout.peek(name);
    const words = state ? describeFeature(factsOf(state)) : 'not loaded yet';
    const on = state?.enabled === true;
    return html`<tr>
      <td class="name"><a href="${featureUrl(ctx, name)}">${name}</a></td>
      <td><span class="${on ? 'state-on' : 'state-off'}">${on ? 'On' : 'Off'}</span></td>
      <td>${words}</td>
    </tr>`;
  });
  const deleted = ctx.query.get('deleted');
  const found =
    search === ''
      ? count(all.length, 'feature')
      : html`${count(matching.length, 'feature')} of ${all.length.toLocaleString('en-US')} match <q>${search}</q>`;
  return pageResponse(ctx, {
    title: 'Features',
    main: html`${deleted ? html`<p class="saved" role="status">The feature <code>${deleted}</code> is deleted.</p>` : ''}
      <form method="get" action="${pageUrl(ctx, '/')}" class="row" role="search">
        <div class="field">
          <label for="q">Search by name</label> <input type="search" id="q" name="q" value="${search}" />
        </div>
        <button type="submit" class="secondary">Search</button>
      </form>
      <p id="found" aria-live="polite">${found}</p>
      ${
        rows.length > 0
          ? dataTable(['Feature', 'Switch', 'Who has it'], rows, { describedBy: 'found' })
          : html`<p>
              No
              feature${search ? ' matches' : ' yet'}.${
                ctx.config.readOnly ? '' : html` <a href="${pageUrl(ctx, '/new')}">Create one</a>.`
              }
            </p>`
      }
      ${pager('Pages of features', page, pages, (n) => pageUrl(ctx, '/', { q: search, page: n }))}`,
  });
}
