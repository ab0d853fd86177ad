import { field, postForm } from '../forms';
import { html } from '../html';
import { pageResponse, problem } from '../layout';
import { featureUrl, NO_FORM_STATE, segmentUrl, type FormState, type PageContext } from '../page-context';
import { readSegment } from '../targeting-support';
import type { AdminResponse } from '../types';

/** What is deleted: a feature or a segment, its page, and what deleting it does, in words. */
interface Deletion {
  kind: 'feature' | 'segment';
  name: string;
  page: string;
  effect: string;
}

/** The page that asks for the name typed; a refusal comes back beside the field. */
function confirmPage(ctx: PageContext, what: Deletion, form: FormState, status: number): AdminResponse {
  return pageResponse(ctx, {
    status,
    title: `Delete ${what.name}`,
    heading: html`Delete <a href="${what.page}">${what.name}</a>`,
    main: html`<p>${what.effect}</p>
      ${postForm(
        ctx,
        `${what.page}/delete`,
        html`${field(form, {
            id: 'confirm',
            name: 'confirm',
            label: `Type the name of the ${what.kind} to confirm`,
            required: true,
            attrs: html`autocomplete="off"`,
          })}<button type="submit" class="danger">Delete this ${what.kind}</button>`,
      )}`,
  });
}

/**
 * Deleting a feature asks for its name, typed, so that a click on the
 * wrong row deletes nothing.
 *
 * @example
 * GET /flags/features/beta/delete
 */
export function deletePage(
  ctx: PageContext,
  name: string,
  form: FormState = NO_FORM_STATE,
  status = 200,
): AdminResponse {
  if (!ctx.config.rollout.peek(name))
    return problem(ctx, 404, 'No such feature', `There is no feature named "${name}".`);
  const effect =
    'Deleting the feature removes its switch, percentage, listed users, patterns and variants. Code that asks for it gets "off".';
  return confirmPage(ctx, { kind: 'feature', name, page: featureUrl(ctx, name), effect }, form, status);
}

/**
 * Deleting a segment asks for its name, typed, like a feature's; a segment
 * that a feature's rules use is refused beside the field.
 *
 * @example
 * GET /flags/segments/beta-testers/delete
 */
export async function deleteSegmentPage(
  ctx: PageContext,
  name: string,
  form: FormState = NO_FORM_STATE,
  status = 200,
): Promise<AdminResponse> {
  if (!(await readSegment(ctx.config.rollout, name)))
    return problem(ctx, 404, 'No such segment', `There is no segment named "${name}".`);
  const effect =
    'Deleting the segment removes its listed units and constraints. A segment that a rule uses cannot be deleted: change those rules first.';
  return confirmPage(ctx, { kind: 'segment', name, page: segmentUrl(ctx, name), effect }, form, status);
}
