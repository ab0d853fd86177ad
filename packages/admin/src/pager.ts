import { html, type SafeHtml } from './html';

/**
 * "Page 2 of 10" with Previous and Next links; nothing when there is one page.
 * `link(page)` makes the address of a page.
 *
 * @example
 * pager('Pages of features', 2, 10, (page) => pageUrl(ctx, '/', { page }));
 */
export function pager(label: string, page: number, pages: number, link: (page: number) => string): SafeHtml | '' {
  if (pages <= 1) return '';
  return html`<nav class="pager" aria-label="${label}">
    ${page > 1 ? html`<a href="${link(page - 1)}" rel="prev">Previous</a>` : ''}
    <span aria-current="page">Page ${page} of ${pages}</span>
    ${page < pages ? html`<a href="${link(page + 1)}" rel="next">Next</a>` : ''}
  </nav>`;
}

/**
 * Reads a page number from a query string: a positive integer, else 1.
 *
 * @example
 * pageNumber(new URLSearchParams('page=3'), 'page'); // 3
 */
export function pageNumber(query: URLSearchParams, key: string): number {
  const value = Number(query.get(key));
  return Number.isSafeInteger(value) && value >= 1 ? value : 1;
}
