import { field, postForm } from '../forms';
import { html } from '../html';
import { featureUrl } from '../page-context';
import { parsePercentage, PERCENTAGE_MESSAGE, refusedAs } from './field-errors';
import type { FeatureSection } from './section';

/** The share of users, by bucket, that have the feature. */
export const percentageSection: FeatureSection = {
  id: 'percentage',
  available: () => true,
  render({ ctx, name, state, form }) {
    return html`<section aria-labelledby="percentage-heading">
      <h2 id="percentage-heading">Percentage</h2>
      <p>
        On for <strong>${state.percentage}%</strong> of
        users${state.percentage > 0 && state.percentage < 100 ? html` (buckets 0 to ${state.percentage - 1})` : ''}.
      </p>
      ${postForm(
        ctx,
        featureUrl(ctx, name, '/percentage'),
        html`<div class="row">
          ${field(form, {
            id: 'percentage',
            name: 'percentage',
            label: 'Percentage of users',
            type: 'number',
            value: String(state.percentage),
            hint: 'A whole number from 0 to 100. Raising it only adds users; lowering it only removes them.',
            required: true,
            attrs: html`min="0" max="100" step="1" inputmode="numeric"`,
          })}<button type="submit">Set percentage</button>
        </div>`,
      )}
    </section>`;
  },
  actions: {
    percentage: {
      done: 'The percentage is saved.',
      async run({ rollout, name, form }) {
        const percentage = parsePercentage(form.get('percentage'));
        if (percentage === undefined) return { field: 'percentage', message: PERCENTAGE_MESSAGE };
        return refusedAs('percentage', () => rollout.setPercentage(name, percentage));
      },
    },
  },
};
