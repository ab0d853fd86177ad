import { field, postForm } from '../forms';
import { html } from '../html';
import { pageResponse, problem } from '../layout';
import { featureUrl, NO_FORM_STATE, type FormState, type PageContext } from '../page-context';
import type { AdminResponse } from '../types';

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
  return pageResponse(ctx, {
    status,
    title: `Delete ${name}`,
    heading: html`Delete <a href="${featureUrl(ctx, name)}">${name}</a>`,
    main: html`<p>
        Deleting the feature removes its switch, percentage, listed users, patterns and variants. Code that asks for it
        gets "off".
      </p>
      ${postForm(
        ctx,
        featureUrl(ctx, name, '/delete'),
        html`${field(form, {
            id: 'confirm',
            name: 'confirm',
            label: 'Type the name of the feature to confirm',
            required: true,
            attrs: html`autocomplete="off"`,
          })}<button type="submit" class="danger">Delete this feature</button>`,
      )}`,
  });
}
