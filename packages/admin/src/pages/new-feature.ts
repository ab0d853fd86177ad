import { field, nameField, postForm } from '../forms';
import { html } from '../html';
import { pageResponse } from '../layout';
import { featureUrl, NO_FORM_STATE, pageUrl, type FormState, type PageContext } from '../page-context';
import { parsePercentage, PERCENTAGE_MESSAGE, refusedAs } from '../sections/field-errors';
import type { FieldError } from '../sections/section';
import type { AdminResponse } from '../types';
import { writerFor } from '../writer';

/**
 * The form for a new feature: its name, percentage and switch.
 *
 * @example
 * GET /flags/new
 */
export function newFeaturePage(ctx: PageContext, form: FormState = NO_FORM_STATE, status = 200): AdminResponse {
  const enabled = form.values.name === undefined || form.values.enabled === 'on';
  return pageResponse(ctx, {
    status,
    title: 'New feature',
    main: ctx.config.readOnly
      ? html`<p>This admin page is read-only: features cannot be created here.</p>`
      : postForm(
          ctx,
          pageUrl(ctx, '/new'),
          html`${nameField(form)}
            ${field(form, {
              id: 'percentage',
              name: 'percentage',
              label: 'Percentage of users',
              type: 'number',
              value: '0',
              hint: 'A whole number from 0 to 100.',
              attrs: html`min="0" max="100" step="1" inputmode="numeric"`,
            })}
            <div class="field check">
              <input type="checkbox" id="enabled" name="enabled" value="on" ${enabled ? html` checked` : ''} />
              <label for="enabled">Switched on</label>
            </div>
            <button type="submit">Create feature</button>`,
        ),
  });
}

/**
 * Creates a feature; refuses a name that exists (the form creates, it does
 * not update) or any field the Rollout refuses.
 *
 * @example
 * POST /flags/new  name=beta&percentage=25&enabled=on
 */
export async function createFeature(ctx: PageContext, form: URLSearchParams): Promise<FieldError | string> {
  const { rollout } = ctx.config;
  const name = form.get('name') ?? '';
  const percentage = parsePercentage(form.get('percentage') || '0');
  if (percentage === undefined) return { field: 'percentage', message: PERCENTAGE_MESSAGE };
  if (name !== '' && (await rollout.listFuncs()).includes(name)) {
    return { field: 'name', message: `A feature named "${name}" exists already.` };
  }
  const refused = await refusedAs('name', () =>
    writerFor(rollout, ctx.actor).addFunc(name, { percentage, enabled: form.get('enabled') === 'on' }),
  );
  return refused ?? featureUrl(ctx, name, '', { saved: 'created' });
}
