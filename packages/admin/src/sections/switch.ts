import { html } from '../html';
import { featureUrl } from '../page-context';
import { postForm } from '../forms';
import { refusedAs } from './field-errors';
import type { FeatureSection } from './section';

/** The master switch: on or off for everyone, listed users included. */
export const switchSection: FeatureSection = {
  id: 'switch',
  available: () => true,
  render({ ctx, name, state }) {
    const next = state.enabled ? 'false' : 'true';
    return html`<section aria-labelledby="switch-heading">
      <h2 id="switch-heading">Switch</h2>
      <p>
        The switch is
        <strong class="${state.enabled ? 'state-on' : 'state-off'}">${state.enabled ? 'on' : 'off'}</strong>${
          state.enabled ? '.' : ': nobody has the feature, listed users included.'
        }
      </p>
      ${postForm(
        ctx,
        featureUrl(ctx, name, '/switch'),
        html`<input type="hidden" name="enabled" value="${next}" />
          <button type="submit" ${state.enabled ? html` class="danger"` : ''}>
            ${state.enabled ? 'Switch off' : 'Switch on'}
          </button>`,
      )}
    </section>`;
  },
  actions: {
    switch: {
      done: 'The switch is saved.',
      async run({ rollout, name, form }) {
        const enabled = form.get('enabled');
        if (enabled !== 'true' && enabled !== 'false') return { field: 'enabled', message: 'Choose on or off.' };
        return refusedAs('enabled', () => (enabled === 'true' ? rollout.enable(name) : rollout.disable(name)));
      },
    },
  },
};
