import { count } from '../describe';
import { dataTable } from '../data-table';
import { html } from '../html';
import { pageResponse, problem } from '../layout';
import { pageUrl, type PageContext } from '../page-context';
import { pageNumber, pager } from '../pager';
import { constraintInWords } from '../sections/rules';
import { hasTargeting } from '../targeting-support';
import type { AdminResponse } from '../types';

/** How many users a segment lists: the held set's size, else the store's copy. */
async function segmentUsers(ctx: PageContext, name: string): Promise<number | undefined> {
  const { rollout } = ctx.config;
  const held = (rollout.backend.peekSegment?.(name) as { users?: ReadonlySet<string> } | undefined)?.users;
  if (held) return held.size;
  return (await rollout.getSegment(name))?.users.length;
}

/**
 * The segments, read-only: each with how many users it lists and its
 * constraints in words (a user in the list, or meeting every constraint, is
 * in the segment). Rules use them with `IN_SEGMENT`.
 *
 * @example
 * GET /flags/segments?page=2
 */
export async function segmentsPage(ctx: PageContext): Promise<AdminResponse> {
  const { rollout, pageSize } = ctx.config;
  if (!hasTargeting(rollout)) return problem(ctx, 404, 'Not found', 'This store keeps no segments.');
  const all = (await rollout.listSegments()).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const pages = Math.max(1, Math.ceil(all.length / pageSize));
  const page = Math.min(pageNumber(ctx.query, 'page'), pages);
  const shown = all.slice((page - 1) * pageSize, page * pageSize);
  const rows = await Promise.all(
    shown.map(async (name) => {
      const users = await segmentUsers(ctx, name);
      const constraints =
        rollout.backend.peekSegment?.(name)?.constraints ?? (await rollout.getSegment(name))?.constraints ?? [];
      return html`<tr>
        <td class="name"><code>${name}</code></td>
        <td>${users === undefined ? 'unknown' : count(users, 'user')}</td>
        <td>
          ${
            constraints.length === 0
              ? html`<span class="muted">none</span>`
              : html`<ul>
                  ${constraints.map((c) => html`<li><code>${constraintInWords(c)}</code></li>`)}
                </ul>`
          }
        </td>
      </tr>`;
    }),
  );
  return pageResponse(ctx, {
    title: 'Segments',
    main: html`<p>
        A user is in a segment when the segment lists them, or when they meet every one of its constraints (if it has
        any). Rules use segments with <code>IN_SEGMENT</code>.
      </p>
      <p>${count(all.length, 'segment')}</p>
      ${
        shown.length > 0
          ? dataTable(['Segment', 'Listed users', 'Constraints (all of)'], rows, { caption: 'Segments, by name.' })
          : ''
      }
      ${pager('Pages of segments', page, pages, (n) => pageUrl(ctx, '/segments', { page: n }))}`,
  });
}
